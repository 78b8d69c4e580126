//! `POST /orders/lookup`: an order's status for its number and a verifier (the order's e-mail
//! or its phone's last 4 digits), asked of the configured [`crate::orders::OrderSource`].
//!
//! An unknown order and a wrong verifier get the same 404. Lookups are limited per client
//! address, and failed tries per order number, known or not ([`crate::limits`]). Personal data
//! travels only in the body, and nothing here logs the body, the order number or the verifier.

use crate::error::{AppError, AppJson};
use crate::limits::client_key;
use crate::AppState;
use anyhow::anyhow;
use axum::extract::{ConnectInfo, State};
use axum::routing::post;
use axum::{Extension, Router};
use kefu_api::orders::{OrderLookup, OrderStatus};
use std::net::SocketAddr;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/orders/lookup", post(lookup))
}

/// The body is read after the client's allowance is counted, so malformed and oversized
/// requests count too.
async fn lookup(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: Result<AppJson<OrderLookup>, AppError>,
) -> Result<AppJson<OrderStatus>, AppError> {
    let Some(Extension(ConnectInfo(peer))) = peer else {
        return Err(anyhow!(
            "no client address: serve the app with into_make_service_with_connect_info"
        )
        .into());
    };
    let now = state.clock.now_ms();
    state
        .lookup_limits
        .per_client
        .hit(&client_key(peer.ip()), now)?;
    let AppJson(lookup) = body?;
    let lookup = lookup.normalized()?;
    // Counted as a failed try before asking, so parallel guesses cannot pass the limit;
    // taken back when the order is found or the source fails.
    let per_order = &state.lookup_limits.per_order;
    per_order.hit(&lookup.order_number, now)?;
    let answer = state
        .orders
        .lookup(&lookup.order_number, &lookup.verifier)
        .await;
    match answer {
        Ok(Some(status)) => {
            per_order.forget(&lookup.order_number, now);
            tracing::info!(outcome = "found", "order lookup");
            Ok(AppJson(status))
        }
        Ok(None) => {
            tracing::info!(outcome = "not_found", "order lookup");
            Err(AppError::order_not_found())
        }
        Err(err) => {
            per_order.forget(&lookup.order_number, now);
            Err(err.into())
        }
    }
}
