//! The HTTP surface: one router per resource, joined with the shared layers.

mod agent;
mod assets;
mod console;
mod escalations;
mod faq;
mod health;
mod metrics;
mod orders;
mod signals;

pub(crate) use escalations::case_number;
pub use faq::VERSION_HEADER;

use crate::error::AppError;
pub(crate) use crate::now_ms;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::Router;
use kefu_api::{limits, API_PREFIX};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

/// How often a live stream (console or shopper) sends a comment so that proxies keep it open.
const STREAM_KEEP_ALIVE: Duration = Duration::from_secs(20);

/// The whole server as a `Router`: API, health check, widget files and (with `--demo`) the shop.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(escalations::router())
        .merge(agent::router())
        .merge(console::api_router())
        .merge(faq::api_router())
        .merge(signals::router())
        .merge(orders::router())
        .fallback(|| async { AppError::not_found() })
        .method_not_allowed_fallback(|| async {
            AppError::client(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this method is not allowed here",
            )
        });
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .nest(API_PREFIX, api)
        .merge(console::pages(&state.config.assets))
        .merge(faq::widget_router())
        .merge(assets::router(&state.config))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(limits::MAX_BODY_BYTES))
        .layer(cors(&state.config.cors_origins))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Cross-origin access for the configured shop origins only.
fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| match HeaderValue::from_str(origin.trim()) {
            Ok(value) => Some(value),
            Err(_) => {
                tracing::warn!(%origin, "ignoring a CORS origin that is not a valid header value");
                None
            }
        })
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static(crate::auth::CSRF_HEADER),
        ])
        // So that a widget on the shop's page can read how long a rate limit lasts.
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(3600))
}

/// The token of an `Authorization: Bearer …` header, if there is one.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}
