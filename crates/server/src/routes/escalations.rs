//! `POST /escalations` (idempotent hand-off), `GET /escalations/{id}` (the shopper's view),
//! `GET /escalations/{id}/events?after=N` (the conversation since event `N`, as JSON or as
//! server-sent events) and
//! `POST /escalations/{id}/messages` (the shopper's follow-ups).

use super::{bearer_token, now_ms, STREAM_KEEP_ALIVE};
use crate::error::{AppError, AppJson, AppQuery};
use crate::feed::Heard;
use crate::store::{Created, StoreError, StoredCase};
use crate::AppState;
use anyhow::Context;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::stream::{self, Stream};
use kefu_api::events::{CaseEvent, CaseEventKind, CaseEvents, ShopperMessage, MAX_EVENTS_PER_READ};
use kefu_api::mask::mask_cards;
use kefu_api::{
    is_valid_idempotency_key, CaseStatus, CaseView, EscalationAnswer, EscalationReceipt,
    NewEscalation, IDEMPOTENCY_HEADER,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::convert::Infallible;
use tokio::sync::broadcast::{self, error::RecvError};

/// The receipt's expected reply time looks at first replies of this long ago: 7 days.
const EXPECTED_REPLY_WINDOW_MS: i64 = 7 * 86_400_000;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/escalations", post(create))
        .route("/escalations/{case_id}", get(view))
        .route("/escalations/{case_id}/events", get(events))
        .route("/escalations/{case_id}/messages", post(message))
}

/// The case number shoppers and agents see for case `id`.
pub(crate) fn case_number(id: i64) -> String {
    format!("K-{id}")
}

/// The case id in a case number, if it is one.
pub(crate) fn parse_case_number(text: &str) -> Option<i64> {
    let digits = text.strip_prefix("K-").unwrap_or(text);
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(mut escalation): AppJson<NewEscalation>,
) -> Result<(StatusCode, AppJson<EscalationAnswer>), AppError> {
    let key = idempotency_key(&headers)?;
    escalation.validate()?;
    escalation.mask_cards();
    let body = serde_json::to_vec(&escalation).context("encoding the escalation")?;
    let request_hash = hex::encode(Sha256::digest(&body));
    // The hand-off lands even when the published FAQ cannot be read.
    let matches = state
        .matchers
        .transcript_matches(
            state.store.as_ref(),
            escalation.locale,
            &escalation.transcript,
        )
        .await
        .unwrap_or_else(|e| {
            tracing::warn!("matching the transcript: {e:#}");
            None
        });
    let (status, id) = match state
        .store
        .create_case(key, &request_hash, &escalation, matches.as_ref(), now_ms())
        .await?
    {
        Created::New(id) => {
            tracing::info!(
                case = id,
                locale = %escalation.locale,
                reason = escalation.reason.as_str(),
                "case created"
            );
            state.feed.announce(id, "created");
            (StatusCode::CREATED, id)
        }
        Created::Replayed(id) => (StatusCode::OK, id),
        Created::KeyReused => {
            return Err(AppError::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request",
            ))
        }
    };
    let now = now_ms();
    let opening = state.config.schedule().next_opening(now);
    let recent = state
        .store
        .insight_counts(now - EXPECTED_REPLY_WINDOW_MS)
        .await?;
    let median_reply = crate::insights::median(recent.first_reply_waits_ms);
    let until_open = opening.as_ref().map_or(0, |o| o.in_ms);
    let receipt = EscalationAnswer {
        receipt: EscalationReceipt {
            case_id: case_number(id),
            access_token: state.access_token(id),
            position: state.store.open_cases_before(id).await?,
            opens_at: opening.as_ref().map(|o| o.at.to_string()),
        },
        opens_on: opening.and_then(|o| o.on),
        expected_reply_ms: median_reply
            .map(|m| m + until_open)
            .or((until_open > 0).then_some(until_open)),
        hotline: state.config.hotline.clone(),
    };
    Ok((status, AppJson(receipt)))
}

fn idempotency_key(headers: &HeaderMap) -> Result<&str, AppError> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Err(AppError::client(
            StatusCode::BAD_REQUEST,
            "missing_idempotency_key",
            "send an Idempotency-Key header so that a retry cannot create a second case",
        ));
    };
    value
        .to_str()
        .ok()
        .filter(|key| is_valid_idempotency_key(key))
        .ok_or_else(|| {
            AppError::client(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "the Idempotency-Key must be 8 to 128 characters of A-Z, a-z, 0-9, '-' and '_'",
            )
        })
}

/// The case the shopper's bearer token opens: no token is 401; an unknown case and a wrong
/// token are the same 404, so case numbers cannot be probed.
async fn shoppers_case(
    state: &AppState,
    case_id: &str,
    headers: &HeaderMap,
) -> Result<StoredCase, AppError> {
    let token = bearer_token(headers).ok_or_else(AppError::unauthorized)?;
    let id = parse_case_number(case_id).ok_or_else(AppError::not_found)?;
    if !state.is_access_token(id, token) {
        return Err(AppError::not_found());
    }
    state
        .store
        .case_by_id(id)
        .await?
        .ok_or_else(AppError::not_found)
}

async fn view(
    State(state): State<AppState>,
    Path(case_id): Path<String>,
    headers: HeaderMap,
) -> Result<AppJson<CaseView>, AppError> {
    let case = shoppers_case(&state, &case_id, &headers).await?;
    let position = match case.status {
        CaseStatus::Open => state.store.open_cases_before(case.id).await?,
        CaseStatus::Resolved => 0,
    };
    Ok(AppJson(CaseView {
        case_id: case_number(case.id),
        status: case.status,
        position,
    }))
}

/// `?after=N`: the last event id the widget already has (0, or absent, for all).
#[derive(Deserialize)]
struct EventsQuery {
    #[serde(default)]
    after: u64,
}

/// Events after `after`, oldest first, at most [`MAX_EVENTS_PER_READ`]; the widget asks
/// again from the last id it got. With `Accept: text/event-stream` the answer is a stream
/// instead ([`event_stream`]).
async fn events(
    State(state): State<AppState>,
    Path(case_id): Path<String>,
    AppQuery(query): AppQuery<EventsQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let case = shoppers_case(&state, &case_id, &headers).await?;
    if accepts_event_stream(&headers) {
        let after = last_event_id(&headers).unwrap_or(query.after);
        return Ok(event_stream(state, case.id, after).into_response());
    }
    let events = shopper_events(&state, case.id, query.after).await?;
    Ok(AppJson(CaseEvents {
        events,
        status: case.status,
    })
    .into_response())
}

/// What the shopper of case `case_id` may see after event `after`: no held messages or
/// assignments, and no agents' names.
async fn shopper_events(
    state: &AppState,
    case_id: i64,
    after: u64,
) -> Result<Vec<CaseEvent>, StoreError> {
    Ok(state
        .store
        .case_events_after(case_id, after, MAX_EVENTS_PER_READ)
        .await?
        .into_iter()
        .filter(|e| e.kind.shopper_sees())
        .map(|e| CaseEvent { agent: None, ..e })
        .collect())
}

fn accepts_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"))
}

/// The id a reconnecting `EventSource` last got.
fn last_event_id(headers: &HeaderMap) -> Option<u64> {
    headers.get("last-event-id")?.to_str().ok()?.parse().ok()
}

/// Where a shopper's stream is.
struct StreamCursor {
    state: AppState,
    case_id: i64,
    changes: broadcast::Receiver<Heard>,
    after: u64,
    unsent: VecDeque<CaseEvent>,
    read_once: bool,
}

/// Server-sent events: each event the shopper sees after `after` as `event: case_event` with
/// its id (so a reconnecting `EventSource` resumes where it was), then new ones as agents write
/// or change the status, on this server or any other on the same database.
fn event_stream(
    state: AppState,
    case_id: i64,
    after: u64,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Listen before the first read, so nothing written in between is missed.
    let cursor = StreamCursor {
        changes: state.feed.subscribe(),
        state,
        case_id,
        after,
        unsent: VecDeque::new(),
        read_once: false,
    };
    let stream = stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(event) = cursor.unsent.pop_front() {
                cursor.after = event.id;
                let sse = Event::default()
                    .event("case_event")
                    .id(event.id.to_string())
                    .json_data(&event)
                    .unwrap_or_else(|_| Event::default().comment("unencodable event"));
                return Some((Ok(sse), cursor));
            }
            if cursor.read_once && !cursor.wait_for_change().await {
                return None;
            }
            cursor.read_once = true;
            match shopper_events(&cursor.state, cursor.case_id, cursor.after).await {
                Ok(events) => cursor.unsent.extend(events),
                // The client reconnects from the last id it got.
                Err(e) => {
                    tracing::warn!(case = cursor.case_id, "shopper's stream: {e}");
                    return None;
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(STREAM_KEEP_ALIVE))
}

impl StreamCursor {
    /// Waits until this case changes (or changes may have been missed); `false` when the
    /// server is shutting down.
    async fn wait_for_change(&mut self) -> bool {
        let number = case_number(self.case_id);
        loop {
            match self.changes.recv().await {
                Ok(Heard::Change(change)) if change.case_id == number => return true,
                Ok(Heard::Change(_)) => {}
                Ok(Heard::Missed) | Err(RecvError::Lagged(_)) => return true,
                Ok(Heard::Closing) | Err(RecvError::Closed) => return false,
            }
        }
    }
}

/// The shopper writes to the agents on their case; card numbers are masked before storing and
/// the stored event is answered with 201.
///
/// The token is checked before the body is read, so a caller without the case's token always
/// gets the same 404 as `events`. A resolved case takes no more messages (409 `case_closed`).
/// Only stored messages count against the case's allowance ([`crate::limits::FOLLOWUPS_PER_CASE`]
/// per 10 minutes), so refused ones cannot use it up. A case resolved between the status check
/// and the insert gets the message, as if it had come a moment earlier.
async fn message(
    State(state): State<AppState>,
    Path(case_id): Path<String>,
    headers: HeaderMap,
    body: Result<AppJson<ShopperMessage>, AppError>,
) -> Result<(StatusCode, AppJson<CaseEvent>), AppError> {
    let case = shoppers_case(&state, &case_id, &headers).await?;
    let AppJson(message) = body?;
    message.validate()?;
    if case.status == CaseStatus::Resolved {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            "case_closed",
            "this case is closed; ask for a person again to open a new one",
        ));
    }
    let limited_at = state.clock.now_ms();
    state.followup_limits.hit(&case.id, limited_at)?;
    // A blocked shopper is answered as usual, but the message is held for agents.
    let kind = match state
        .store
        .is_session_blocked(&case.escalation.session)
        .await
    {
        Ok(true) => CaseEventKind::HeldMessage,
        Ok(false) => CaseEventKind::ShopperMessage,
        Err(err) => {
            state.followup_limits.forget(&case.id, limited_at);
            return Err(err.into());
        }
    };
    let stored = state
        .store
        .add_case_event(case.id, kind, &mask_cards(&message.text), None, now_ms())
        .await;
    let event = match stored {
        Ok(Some(event)) => event,
        Ok(None) => {
            state.followup_limits.forget(&case.id, limited_at);
            return Err(AppError::not_found());
        }
        Err(err) => {
            state.followup_limits.forget(&case.id, limited_at);
            return Err(err.into());
        }
    };
    tracing::info!(
        case = case.id,
        event = event.id,
        held = kind == CaseEventKind::HeldMessage,
        "shopper wrote"
    );
    if kind == CaseEventKind::ShopperMessage {
        state.feed.announce(case.id, "message");
    }
    // The shopper sees their message as sent, whether or not it was held.
    let event = CaseEvent {
        kind: CaseEventKind::ShopperMessage,
        ..event
    };
    Ok((StatusCode::CREATED, AppJson(event)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers() {
        assert_eq!(case_number(42), "K-42");
        assert_eq!(parse_case_number("K-42"), Some(42));
        assert_eq!(parse_case_number("42"), Some(42));
        for bad in ["", "K-", "K-4a", "K--1", "-1", "K-99999999999999999999999"] {
            assert_eq!(parse_case_number(bad), None, "{bad}");
        }
    }
}
