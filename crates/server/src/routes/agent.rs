//! `/agent/…`: the agents' API behind a console session or the bearer token
//! ([`crate::auth::Agent`]): cases by urgency, one case with its events, replies, resolve,
//! reopen, reassign, block, unanswered questions, votes and insights.

use super::escalations::{case_number, parse_case_number};
use super::now_ms;
use crate::auth::Agent;
use crate::error::{AppError, AppJson, AppQuery};
use crate::store::{StatusChange, StoredCase};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use kefu_api::console::{AgentList, AgentName, CaseDetail, Insights, Reassign, Vote};
use kefu_api::events::{AgentReply, CaseEvent, CaseEventKind};
use kefu_api::mask::mask_cards;
use kefu_api::signals::{EntryVotes, UnansweredQuestion};
use kefu_api::{CaseList, CaseStatus, CaseSummary, Locale};
use serde::Deserialize;

/// Most cases one listing returns.
const MAX_LISTED_CASES: u32 = 500;

/// Most unanswered questions one listing returns.
const MAX_LISTED_QUESTIONS: u32 = 200;

/// Most events a case view shows.
const MAX_CASE_EVENTS: u32 = 1_000;

/// The longest period the insights page covers, in days.
const MAX_INSIGHT_DAYS: u32 = 366;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/agent/cases", get(cases))
        .route("/agent/cases/{case_id}", get(case))
        .route("/agent/cases/{case_id}/replies", post(reply))
        .route("/agent/cases/{case_id}/resolve", post(resolve))
        .route("/agent/cases/{case_id}/reopen", post(reopen))
        .route("/agent/cases/{case_id}/reassign", post(reassign))
        .route("/agent/cases/{case_id}/block", post(block))
        .route("/agent/agents", get(agents))
        .route("/agent/unanswered", get(unanswered))
        .route("/agent/feedback", get(entry_votes))
        .route("/agent/insights", get(insights))
}

/// `?status=open|resolved|all&topic=T&locale=L`.
#[derive(Deserialize)]
struct CaseFilter {
    #[serde(default)]
    status: Option<StatusFilter>,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    locale: Option<Locale>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum StatusFilter {
    Open,
    Resolved,
    All,
}

fn summary(case: StoredCase, now: i64) -> CaseSummary {
    let (urgency, urgency_reasons) = crate::urgency::urgency(&case, now);
    CaseSummary {
        case_id: case_number(case.id),
        status: case.status,
        created_at_ms: case.created_at_ms,
        urgency,
        urgency_reasons,
        assignee: case.assignee,
        blocked: case.blocked,
        last_activity_ms: case.last_activity_ms,
        first_reply_ms: case.first_reply_at_ms.map(|t| t - case.created_at_ms),
        escalation: case.escalation,
    }
}

/// Cases matching the filter (open ones by default), most urgent first, then oldest first.
async fn cases(
    State(state): State<AppState>,
    _agent: Agent,
    AppQuery(filter): AppQuery<CaseFilter>,
) -> Result<AppJson<CaseList>, AppError> {
    let status = match filter.status.unwrap_or(StatusFilter::Open) {
        StatusFilter::Open => Some(CaseStatus::Open),
        StatusFilter::Resolved => Some(CaseStatus::Resolved),
        StatusFilter::All => None,
    };
    let now = now_ms();
    let topic = filter.topic.filter(|t| !t.is_empty());
    let mut cases: Vec<CaseSummary> = state
        .store
        .cases(status, MAX_LISTED_CASES)
        .await?
        .into_iter()
        .filter(|c| topic.is_none() || c.escalation.topic == topic)
        .filter(|c| filter.locale.is_none_or(|l| c.escalation.locale == l))
        .map(|c| summary(c, now))
        .collect();
    cases.sort_by(|a, b| {
        b.urgency
            .cmp(&a.urgency)
            .then(a.created_at_ms.cmp(&b.created_at_ms))
    });
    Ok(AppJson(CaseList { cases }))
}

async fn stored_case(state: &AppState, case_id: &str) -> Result<StoredCase, AppError> {
    let id = parse_case_number(case_id).ok_or_else(AppError::not_found)?;
    state
        .store
        .case_by_id(id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// One case with everything after its hand-off and its shopper's votes.
async fn case(
    State(state): State<AppState>,
    _agent: Agent,
    Path(case_id): Path<String>,
) -> Result<AppJson<CaseDetail>, AppError> {
    let case = stored_case(&state, &case_id).await?;
    let events = state
        .store
        .case_events_after(case.id, 0, MAX_CASE_EVENTS)
        .await?;
    let votes = state
        .store
        .session_votes(&case.escalation.session)
        .await?
        .into_iter()
        .map(|(entry_id, helpful)| Vote { entry_id, helpful })
        .collect();
    let matches = case.matches.clone();
    Ok(AppJson(CaseDetail {
        case: summary(case, now_ms()),
        events,
        votes,
        matches,
    }))
}

/// An agent writes to the case's shopper; card numbers are masked before storing.
///
/// The body is read only after the agent is checked, so an unauthorised caller always gets 401.
async fn reply(
    State(state): State<AppState>,
    agent: Agent,
    Path(case_id): Path<String>,
    body: Result<AppJson<AgentReply>, AppError>,
) -> Result<(StatusCode, AppJson<CaseEvent>), AppError> {
    let AppJson(reply) = body?;
    reply.validate()?;
    let id = parse_case_number(&case_id).ok_or_else(AppError::not_found)?;
    let event = state
        .store
        .add_case_event(
            id,
            CaseEventKind::AgentReply,
            &mask_cards(&reply.text),
            agent.name.as_deref(),
            now_ms(),
        )
        .await?
        .ok_or_else(AppError::not_found)?;
    tracing::info!(case = id, event = event.id, "agent replied");
    state.feed.announce(id, "message");
    Ok((StatusCode::CREATED, AppJson(event)))
}

/// The body of a status change: the status now.
#[derive(serde::Serialize)]
struct StatusNow {
    status: CaseStatus,
}

async fn set_status(
    state: &AppState,
    agent: &Agent,
    case_id: &str,
    status: CaseStatus,
) -> Result<AppJson<StatusNow>, AppError> {
    let id = parse_case_number(case_id).ok_or_else(AppError::not_found)?;
    match state
        .store
        .set_case_status(id, status, agent.name.as_deref(), now_ms())
        .await?
    {
        StatusChange::NoCase => return Err(AppError::not_found()),
        StatusChange::Unchanged => {}
        StatusChange::Changed(_) => {
            tracing::info!(case = id, status = ?status, "case status changed");
            state.feed.announce(id, "status");
        }
    }
    Ok(AppJson(StatusNow { status }))
}

async fn resolve(
    State(state): State<AppState>,
    agent: Agent,
    Path(case_id): Path<String>,
) -> Result<AppJson<StatusNow>, AppError> {
    set_status(&state, &agent, &case_id, CaseStatus::Resolved).await
}

async fn reopen(
    State(state): State<AppState>,
    agent: Agent,
    Path(case_id): Path<String>,
) -> Result<AppJson<StatusNow>, AppError> {
    set_status(&state, &agent, &case_id, CaseStatus::Open).await
}

/// Gives the case to another agent (who must have an account).
async fn reassign(
    State(state): State<AppState>,
    _agent: Agent,
    Path(case_id): Path<String>,
    body: Result<AppJson<Reassign>, AppError>,
) -> Result<AppJson<CaseEvent>, AppError> {
    let AppJson(to) = body?;
    if state.store.agent_password_hash(&to.agent).await?.is_none() {
        return Err(AppError::Client {
            status: StatusCode::BAD_REQUEST,
            code: "unknown_agent",
            message: "there is no agent with this name".to_owned(),
            field: Some("agent"),
        });
    }
    let id = parse_case_number(&case_id).ok_or_else(AppError::not_found)?;
    let event = state
        .store
        .assign_case(id, &to.agent, now_ms())
        .await?
        .ok_or_else(AppError::not_found)?;
    state.feed.announce(id, "status");
    Ok(AppJson(event))
}

/// Holds the further messages of the case's shopper (their widget session).
async fn block(
    State(state): State<AppState>,
    agent: Agent,
    Path(case_id): Path<String>,
) -> Result<AppJson<CaseSummary>, AppError> {
    let case = stored_case(&state, &case_id).await?;
    state
        .store
        .block_session(&case.escalation.session, agent.name.as_deref(), now_ms())
        .await?;
    tracing::info!(case = case.id, "shopper blocked");
    state.feed.announce(case.id, "status");
    let case = stored_case(&state, &case_id).await?;
    Ok(AppJson(summary(case, now_ms())))
}

/// Everyone a case can be given to.
async fn agents(
    State(state): State<AppState>,
    _agent: Agent,
) -> Result<AppJson<AgentList>, AppError> {
    let agents = state
        .store
        .agent_names()
        .await?
        .into_iter()
        .map(|name| AgentName { name })
        .collect();
    Ok(AppJson(AgentList { agents }))
}

/// The latest questions the widget could not answer, newest first (already masked).
async fn unanswered(
    State(state): State<AppState>,
    _agent: Agent,
) -> Result<AppJson<Vec<UnansweredQuestion>>, AppError> {
    Ok(AppJson(
        state.store.recent_unanswered(MAX_LISTED_QUESTIONS).await?,
    ))
}

/// "Did this help?" votes per FAQ entry.
async fn entry_votes(
    State(state): State<AppState>,
    _agent: Agent,
) -> Result<AppJson<Vec<EntryVotes>>, AppError> {
    Ok(AppJson(state.store.entry_votes().await?))
}

/// `?days=N` (30 by default).
#[derive(Deserialize)]
struct Period {
    #[serde(default = "default_days")]
    days: u32,
}

fn default_days() -> u32 {
    30
}

/// The insights page's figures over the last `days` days.
async fn insights(
    State(state): State<AppState>,
    _agent: Agent,
    AppQuery(period): AppQuery<Period>,
) -> Result<AppJson<Insights>, AppError> {
    let days = period.days.clamp(1, MAX_INSIGHT_DAYS);
    Ok(AppJson(
        crate::insights::insights(state.store.as_ref(), days, now_ms()).await?,
    ))
}
