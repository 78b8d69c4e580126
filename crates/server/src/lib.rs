//! Kefu server: receives the widget's hand-offs, stores them as cases, and serves the widget.
//!
//! `app(state)` builds the whole HTTP surface as an axum `Router`, so tests drive it with
//! `tower::ServiceExt::oneshot` and `main.rs` only parses the command line and listens.
//!
//! Design decisions:
//! - Storage sits behind the [`store::CaseStore`] trait object; SQLite is the default.
//! - Shopper access tokens are not stored: each is an HMAC of the case id under a server secret
//!   kept in the database, so every server on one database accepts the same tokens and an
//!   idempotent replay returns the same token.
//! - Clients never see internal error text ([`error::AppError`]).
//! - Order lookups ask an [`orders::OrderSource`] trait object: the server's own table, or the
//!   shop's order system over HTTP. Verifiers are stored only as keyed hashes, under a second
//!   secret kept in the database.

pub mod auth;
pub mod config;
pub mod error;
pub mod faq;
pub mod feed;
pub mod hours;
pub mod insights;
pub mod limits;
pub mod metrics;
pub mod orders;
pub mod routes;
pub mod store;
pub mod urgency;

use anyhow::Context;
use config::Config;
use feed::Feed;
use hmac::{Hmac, Mac};
use limits::{Clock, Limiter, LookupLimits};
use orders::{HttpOrders, OrderSource, StoredOrders, VerifierKey};
use sha2::Sha256;
use std::sync::Arc;
use store::{CaseStore, Dialect, SqlStore};

pub use routes::app;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    /// Where cases live.
    pub store: Arc<dyn CaseStore>,
    /// Key of the access-token HMAC.
    token_secret: Arc<[u8]>,
    /// Bearer token of the agents' API; `None` keeps that API closed.
    pub agent_token: Option<Arc<str>>,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Where order lookups are answered.
    pub orders: Arc<dyn OrderSource>,
    /// Rate limits of order lookups.
    pub lookup_limits: Arc<LookupLimits>,
    /// Rate limit of shoppers' follow-up messages, per case id ([`limits::followup_limiter`]).
    pub followup_limits: Arc<Limiter<i64>>,
    /// Failed console sign-ins per agent name ([`limits::login_limiter`]).
    pub login_limits: Arc<Limiter<String>>,
    /// Request counts and latencies for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// The published FAQs' matchers, for what the bot made of a hand-off's transcript.
    pub matchers: Arc<faq::Matchers>,
    /// The published FAQs' bundles in Brotli, for browsers that accept it.
    pub brotli_bundles: Arc<faq::BrotliBundles>,
    /// Changes to cases, for the live streams (shared by the servers on one PostgreSQL).
    pub feed: Feed,
    /// The clock rate limits read; tests set it by hand.
    pub clock: Clock,
}

impl AppState {
    /// Opens the configured database and prepares the state.
    pub async fn from_config(config: Config) -> anyhow::Result<Self> {
        let store = open_store(&config.database).await?;
        let secret = store
            .setting_or_insert("token_secret", hex::encode(random_bytes::<32>()?))
            .await
            .context("reading the token secret")?;
        let stored_orders = stored_orders_in(store.clone()).await?;
        faq::rebuild_outdated(store.as_ref(), now_ms())
            .await
            .context("rebuilding outdated FAQ bundles")?;
        if config.demo {
            for order in orders::demo_orders()? {
                stored_orders
                    .upsert(&order)
                    .await
                    .context("loading the demo orders")?;
            }
        }
        if config.demo {
            for (locale, json) in faq::demo_faqs() {
                faq::publish_if_none(store.as_ref(), locale, json, now_ms()).await?;
            }
            if store.agent_names().await?.is_empty() {
                let hash = auth::hash_password(config::DEMO_AGENT_PASSWORD)?;
                store
                    .add_agent(config::DEMO_AGENT_NAME, &hash, now_ms())
                    .await?;
            }
        }
        for agent in &config.agents {
            let stored = store.agent_password_hash(&agent.name).await?;
            if stored.is_none() {
                store
                    .add_agent(&agent.name, &agent.password_hash, now_ms())
                    .await?;
            } else if stored.as_deref() != Some(agent.password_hash.as_str()) {
                store
                    .set_agent_password(&agent.name, &agent.password_hash)
                    .await?;
            }
        }
        if let Some(dir) = &config.faq_dir {
            for locale in kefu_api::Locale::ALL {
                let path = dir.join(format!("{locale}.json"));
                if let Ok(json) = std::fs::read_to_string(&path) {
                    faq::publish_if_none(store.as_ref(), locale, &json, now_ms())
                        .await
                        .with_context(|| format!("publishing {}", path.display()))?;
                }
            }
        }
        let feed = match dialect_of(&config.database)? {
            Dialect::Postgres => Feed::shared(store.clone(), &config.database)
                .await
                .context("listening for the other servers' changes")?,
            Dialect::Sqlite => Feed::local(store.clone()),
        };
        let orders: Arc<dyn OrderSource> = match &config.orders_url {
            Some(url) => Arc::new(HttpOrders::new(url.clone())),
            None => Arc::new(stored_orders),
        };
        Ok(AppState {
            store,
            token_secret: secret.into_bytes().into(),
            agent_token: config.effective_agent_token().map(Into::into),
            config: Arc::new(config),
            orders,
            lookup_limits: Arc::default(),
            followup_limits: Arc::new(limits::followup_limiter()),
            login_limits: Arc::new(limits::login_limiter()),
            metrics: Arc::default(),
            matchers: Arc::default(),
            brotli_bundles: Arc::default(),
            feed,
            clock: Clock::System,
        })
    }

    /// The built-in order source on this state's database, e.g. to load orders into it.
    pub async fn stored_orders(&self) -> anyhow::Result<StoredOrders> {
        stored_orders_in(self.store.clone()).await
    }

    /// The shopper's access token for case `id`.
    pub fn access_token(&self, id: i64) -> String {
        hex::encode(self.token_mac(id).finalize().into_bytes())
    }

    /// Checks a shopper's access token for case `id` in constant time.
    pub fn is_access_token(&self, id: i64, token: &str) -> bool {
        match hex::decode(token) {
            Ok(bytes) => self.token_mac(id).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    fn token_mac(&self, id: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.token_secret)
            .expect("HMAC accepts keys of any length");
        mac.update(b"case-access:");
        mac.update(&id.to_be_bytes());
        mac
    }
}

/// The orders in `store`, verifiers hashed under its `verifier_secret` (made on first use).
async fn stored_orders_in(store: Arc<dyn CaseStore>) -> anyhow::Result<StoredOrders> {
    let secret = store
        .setting_or_insert("verifier_secret", hex::encode(random_bytes::<32>()?))
        .await
        .context("reading the verifier secret")?;
    Ok(StoredOrders::new(
        store,
        VerifierKey::new(secret.as_bytes()),
    ))
}

/// Opens the store named by a database URL: `sqlite://PATH` or `postgres://…`.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn CaseStore>> {
    let dialect = dialect_of(url)?;
    let store = SqlStore::open(url)
        .await
        .with_context(|| format!("opening the {dialect:?} database {}", redact_password(url)))?;
    Ok(Arc::new(store))
}

/// The kind of database `url` names, or an error that says which URLs work.
fn dialect_of(url: &str) -> anyhow::Result<Dialect> {
    Dialect::of(url).ok_or_else(|| {
        anyhow::anyhow!(
            "unsupported database URL {:?}: use sqlite://PATH or postgres://…",
            redact_password(url)
        )
    })
}

/// `url` with any password replaced by `***`, for messages and logs.
fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system gave no random bytes: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_in_messages_hide_the_password() {
        assert_eq!(
            redact_password("postgres://kefu:s3cret@db.internal:5432/kefu"),
            "postgres://kefu:***@db.internal:5432/kefu"
        );
        assert_eq!(
            redact_password("postgres://kefu@127.0.0.1/kefu"),
            "postgres://kefu@127.0.0.1/kefu"
        );
        let refused = dialect_of("mysql://root:hunter2@localhost/shop").unwrap_err();
        assert!(!refused.to_string().contains("hunter2"), "{refused}");
    }
}
