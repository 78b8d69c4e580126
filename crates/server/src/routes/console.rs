//! The agent console: its pages at `/console/` (from `<assets>/console`, under a strict
//! Content-Security-Policy), signing in and out (`/agent/login`, `/agent/logout`,
//! `/agent/me`), and the live stream of case changes (`/agent/stream`, server-sent events).

use crate::auth::{self, Agent};
use crate::error::{AppError, AppJson};
use crate::feed::Heard;
use crate::store::AgentSession;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::stream::{self, Stream};
use kefu_api::console::{Login, SignedIn};
use std::convert::Infallible;
use std::path::Path;
use tokio::sync::broadcast::error::RecvError;
use tower_http::set_header::SetResponseHeaderLayer;

/// The console's pages may load only their own files and talk only to this server.
const CONSOLE_CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
                           base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The API routes of signing in and of the live stream.
pub(super) fn api_router() -> Router<AppState> {
    Router::new()
        .route("/agent/login", post(login))
        .route("/agent/logout", post(logout))
        .route("/agent/me", get(me))
        .route("/agent/stream", get(stream))
}

/// The console's pages under `/console/`.
pub(super) fn pages(assets: &Path) -> Router<AppState> {
    let pages = Router::new()
        .fallback_service(super::assets::files(&assets.join("console")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONSOLE_CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ));
    Router::new()
        .route(
            "/console",
            get(|| async { Redirect::permanent("/console/") }),
        )
        .nest("/console/", pages)
}

/// Signs an agent in: a new session in an HttpOnly cookie, and its CSRF token in the body.
/// A wrong password and an unknown name are the same 401; after
/// [`crate::limits::LOGIN_FAILURES_PER_NAME`] failures in 15 minutes a name is refused (429).
async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<AppJson<Login>, AppError>,
) -> Result<Response, AppError> {
    let AppJson(login) = body?;
    login.validate()?;
    let name = login.name.trim().to_owned();
    // Every try counts until it succeeds, so a locked-out name is refused before any check.
    let tried_at = state.clock.now_ms();
    state.login_limits.hit(&name, tried_at)?;
    let stored = state.store.agent_password_hash(&name).await?;
    let password = login.password;
    let matches =
        tokio::task::spawn_blocking(move || auth::verify_password(&password, stored.as_deref()))
            .await
            .map_err(anyhow::Error::from)?;
    if !matches {
        tracing::info!("console sign-in refused");
        return Err(AppError::client(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong name or password",
        ));
    }
    state.login_limits.forget(&name, tried_at);
    let token = auth::new_token()?;
    let session = AgentSession {
        agent: name.clone(),
        csrf_token: auth::new_token()?,
    };
    state
        .store
        .add_agent_session(
            &auth::token_hash(&token),
            &session,
            state.clock.now_ms() + auth::SESSION_TTL_MS,
        )
        .await?;
    tracing::info!(agent = %name, "agent signed in");
    let body = SignedIn {
        name,
        csrf_token: session.csrf_token,
    };
    Ok((
        [
            (
                header::SET_COOKIE,
                auth::session_cookie(Some(&token), &headers),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        AppJson(body),
    )
        .into_response())
}

/// Ends the session and clears its cookie.
async fn logout(
    State(state): State<AppState>,
    _agent: Agent,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = auth::session_token(&headers) {
        state
            .store
            .end_agent_session(&auth::token_hash(token), state.clock.now_ms())
            .await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::session_cookie(None, &headers))],
    )
        .into_response())
}

/// Who the session belongs to, and its CSRF token (the console asks when it starts).
async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let session = auth::console_session(&state, &headers)
        .await?
        .ok_or_else(AppError::unauthorized)?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        AppJson(SignedIn {
            name: session.agent,
            csrf_token: session.csrf_token,
        }),
    )
        .into_response())
}

/// Server-sent events: `event: case` with `{case_id, change}` whenever a case is created,
/// written to, or changes status. A console that falls behind is told `event: resync`.
async fn stream(
    State(state): State<AppState>,
    _agent: Agent,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let changes = state.feed.subscribe();
    let events = stream::unfold(changes, |mut changes| async move {
        let event = match changes.recv().await {
            Ok(Heard::Change(change)) => Event::default()
                .event("case")
                .json_data(&change)
                .unwrap_or_else(|_| Event::default().event("resync").data("{}")),
            Ok(Heard::Missed) | Err(RecvError::Lagged(_)) => {
                Event::default().event("resync").data("{}")
            }
            Ok(Heard::Closing) | Err(RecvError::Closed) => return None,
        };
        Some((Ok(event), changes))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(super::STREAM_KEEP_ALIVE))
}
