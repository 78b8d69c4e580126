//! Who may use the agents' API: a console session (an HttpOnly cookie, with a CSRF token on
//! every state-changing request) or the configured bearer token (scripts); and agents'
//! passwords, hashed with argon2id.

use crate::error::AppError;
use crate::store::AgentSession;
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use kefu_api::console::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The console session's cookie.
pub const SESSION_COOKIE: &str = "kefu_console";

/// The header a console request that changes something must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How long a console session lasts: 12 hours, one working day.
pub const SESSION_TTL_MS: i64 = 12 * 3_600_000;

/// The agent a request acts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    /// The agent's name; `None` for the API's bearer token, which is nobody in particular.
    pub name: Option<String>,
}

impl FromRequestParts<AppState> for Agent {
    type Rejection = AppError;

    /// A bearer token must be the configured one; otherwise the session cookie must name a live
    /// session, and unless the request only reads, its `X-CSRF-Token` must be the session's.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Agent, AppError> {
        if let Some(given) = crate::routes::bearer_token(&parts.headers) {
            let expected = state
                .agent_token
                .as_deref()
                .ok_or_else(AppError::unauthorized)?;
            return if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
                Ok(Agent { name: None })
            } else {
                Err(AppError::unauthorized())
            };
        }
        let session = console_session(state, &parts.headers)
            .await?
            .ok_or_else(AppError::unauthorized)?;
        let reads_only = matches!(parts.method, Method::GET | Method::HEAD);
        if !reads_only && !csrf_matches(&parts.headers, &session.csrf_token) {
            return Err(AppError::client(
                StatusCode::FORBIDDEN,
                "csrf",
                "this request must carry the session's X-CSRF-Token header",
            ));
        }
        Ok(Agent {
            name: Some(session.agent),
        })
    }
}

fn csrf_matches(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(expected.as_bytes())))
}

/// The live console session of the request's cookie, if any.
pub async fn console_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<AgentSession>, AppError> {
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    Ok(state
        .store
        .agent_session(&token_hash(token), state.clock.now_ms())
        .await?)
}

/// The value of the session cookie in `headers`.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The `Set-Cookie` value of a new session (or, with `None`, of signing out). The cookie is
/// `Secure` unless the console is reached on this machine over plain HTTP (development).
pub fn session_cookie(token: Option<&str>, headers: &HeaderMap) -> HeaderValue {
    let secure = if is_loopback_host(headers) {
        ""
    } else {
        "; Secure"
    };
    let value = match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            SESSION_TTL_MS / 1000
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn is_loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    name == "localhost"
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Hashes a new password (argon2id, a random salt); refuses one shorter than
/// [`MIN_PASSWORD_CHARS`] or longer than [`MAX_PASSWORD_CHARS`].
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let chars = password.chars().count();
    anyhow::ensure!(
        (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars),
        "a password must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
    );
    let salt = SaltString::encode_b64(&crate::random_bytes::<16>()?)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?
        .to_string())
}

/// Whether `password` matches a stored hash; `None` (no such agent) checks against a dummy
/// hash, so that an unknown name takes as long as a wrong password.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not anyone's password").unwrap_or_default());
    let known = stored.is_some();
    let Ok(hash) = PasswordHash::new(stored.unwrap_or(dummy)) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_ok()
        && known
}

/// A new random token, as 64 hex digits.
pub fn new_token() -> anyhow::Result<String> {
    Ok(hex::encode(crate::random_bytes::<32>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", Some(&hash)));
        assert!(!verify_password("correct horsf", Some(&hash)));
        assert!(!verify_password("correct horse", None));
        assert!(!verify_password("x", Some("not a hash")));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn the_session_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; kefu_console=abc; b=2"),
        );
        assert_eq!(session_token(&headers), Some("abc"));
        headers.insert(header::COOKIE, HeaderValue::from_static("kefu_console="));
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn cookies_are_secure_except_on_loopback() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        let local = session_cookie(Some("t"), &headers);
        assert!(!local.to_str().unwrap().contains("Secure"));
        assert!(local
            .to_str()
            .unwrap()
            .contains("HttpOnly; SameSite=Strict"));
        headers.insert(
            header::HOST,
            HeaderValue::from_static("support.shop.example"),
        );
        assert!(session_cookie(None, &headers)
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
    }
}
