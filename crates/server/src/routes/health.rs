//! `GET /healthz`: the server is up and its database answers.

use crate::error::{AppError, AppJson};
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Result<AppJson<Value>, AppError> {
    state.store.ping().await?;
    Ok(AppJson(json!({ "status": "ok" })))
}
