//! `GET /metrics` (for agents or the agents' token: case counts are the shop's business), and
//! the layer that counts every request by its route pattern.

use crate::auth::Agent;
use crate::error::AppError;
use crate::metrics::Gauge;
use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kefu_api::Locale;
use std::time::Instant;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

/// Counts the request under its route pattern (`other` for files and unknown paths).
pub(super) async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("other", |p| p.as_str())
        .to_owned();
    let response = next.run(request).await;
    state.metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

async fn metrics(State(state): State<AppState>, _agent: Agent) -> Result<Response, AppError> {
    let open = state.store.open_cases_before(i64::MAX).await?;
    let mut versions = Vec::new();
    for locale in Locale::ALL {
        if let Some(faq) = state.store.published_faq(locale).await? {
            versions.push((format!("{{locale=\"{locale}\"}}"), faq.version as f64));
        }
    }
    let text = state.metrics.render(&[
        Gauge {
            name: "kefu_open_cases",
            help: "Cases waiting for or talking with a person.",
            values: vec![(String::new(), f64::from(open))],
        },
        Gauge {
            name: "kefu_console_streams",
            help: "Consoles listening to the live stream on this server.",
            values: vec![(String::new(), state.feed.listeners() as f64)],
        },
        Gauge {
            name: "kefu_faq_version",
            help: "The published FAQ version, per locale.",
            values: versions,
        },
    ]);
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response())
}
