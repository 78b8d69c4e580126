//! `/agent/…`: the agents' API, behind a bearer token (the console grows here): open cases,
//! replies to a case's shopper, unanswered questions and votes.

use super::escalations::{case_number, parse_case_number};
use super::{bearer_token, now_ms};
use crate::error::{AppError, AppJson};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use kefu_api::events::{AgentReply, CaseEvent, CaseEventKind};
use kefu_api::mask::mask_cards;
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
        .route("/agent/cases/{case_id}/replies", post(reply))
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

/// An agent writes to the case's shopper; card numbers are masked before storing.
///
/// The body is read only after the token is checked, so an unauthorised caller always gets 401.
async fn reply(
    State(state): State<AppState>,
    Path(case_id): Path<String>,
    headers: HeaderMap,
    body: Result<AppJson<AgentReply>, AppError>,
) -> Result<(StatusCode, AppJson<CaseEvent>), AppError> {
    require_agent(&state, &headers)?;
    let AppJson(reply) = body?;
    reply.validate()?;
    let id = parse_case_number(&case_id).ok_or_else(AppError::not_found)?;
    let event = state
        .store
        .add_case_event(
            id,
            CaseEventKind::AgentReply,
            &mask_cards(&reply.text),
            now_ms(),
        )
        .await?
        .ok_or_else(AppError::not_found)?;
    tracing::info!(case = id, event = event.id, "agent replied");
    Ok((StatusCode::CREATED, AppJson(event)))
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
