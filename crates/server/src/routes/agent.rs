//! `/agent/…`: the agents' API, behind a bearer token (the console grows here).

use super::bearer_token;
use super::escalations::case_number;
use crate::error::{AppError, AppJson};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use kefu_api::signals::{EntryVotes, UnansweredQuestion};
use kefu_api::{CaseList, CaseSummary};
use subtle::ConstantTimeEq;

/// Most cases one listing returns.
const MAX_LISTED_CASES: u32 = 500;

/// Most unanswered questions one listing returns.
const MAX_LISTED_QUESTIONS: u32 = 200;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/agent/cases", get(open_cases))
        .route("/agent/unanswered", get(unanswered))
        .route("/agent/feedback", get(entry_votes))
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

/// The latest questions the widget could not answer, newest first (already masked).
async fn unanswered(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<AppJson<Vec<UnansweredQuestion>>, AppError> {
    require_agent(&state, &headers)?;
    Ok(AppJson(
        state.store.recent_unanswered(MAX_LISTED_QUESTIONS).await?,
    ))
}

/// "Did this help?" votes per FAQ entry.
async fn entry_votes(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<AppJson<Vec<EntryVotes>>, AppError> {
    require_agent(&state, &headers)?;
    Ok(AppJson(state.store.entry_votes().await?))
}
