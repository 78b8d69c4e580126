//! `/agent/…`: the agents' API, behind a bearer token (the console grows here).

use super::bearer_token;
use super::escalations::case_number;
use crate::error::{AppError, AppJson};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use kefu_api::{CaseList, CaseSummary};
use subtle::ConstantTimeEq;

/// Most cases one listing returns.
const MAX_LISTED_CASES: u32 = 500;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/agent/cases", get(open_cases))
}

fn require_agent(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let expected = state
        .agent_token
        .as_deref()
        .ok_or_else(AppError::unauthorized)?;
    let given = bearer_token(headers).ok_or_else(AppError::unauthorized)?;
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(AppError::unauthorized())
    }
}

async fn open_cases(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<AppJson<CaseList>, AppError> {
    require_agent(&state, &headers)?;
    let cases = state
        .store
        .open_cases(MAX_LISTED_CASES)
        .await?
        .into_iter()
        .map(|case| CaseSummary {
            case_id: case_number(case.id),
            status: case.status,
            created_at_ms: case.created_at_ms,
            escalation: case.escalation,
        })
        .collect();
    Ok(AppJson(CaseList { cases }))
}
