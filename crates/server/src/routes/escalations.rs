//! `POST /escalations` (idempotent hand-off) and `GET /escalations/{id}` (the shopper's view).

use super::{bearer_token, now_ms};
use crate::error::{AppError, AppJson};
use crate::store::Created;
use crate::AppState;
use anyhow::Context;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use kefu_api::{
    is_valid_idempotency_key, CaseStatus, CaseView, EscalationReceipt, NewEscalation,
    IDEMPOTENCY_HEADER,
};
use sha2::{Digest, Sha256};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/escalations", post(create))
        .route("/escalations/{case_id}", get(view))
}

/// The case number shoppers and agents see for case `id`.
pub(crate) fn case_number(id: i64) -> String {
    format!("K-{id}")
}

/// The case id in a case number, if it is one.
fn parse_case_number(text: &str) -> Option<i64> {
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
) -> Result<(StatusCode, AppJson<EscalationReceipt>), AppError> {
    let key = idempotency_key(&headers)?;
    escalation.validate()?;
    escalation.mask_cards();
    let body = serde_json::to_vec(&escalation).context("encoding the escalation")?;
    let request_hash = hex::encode(Sha256::digest(&body));
    let (status, id) = match state
        .store
        .create_case(key, &request_hash, &escalation, now_ms())
        .await?
    {
        Created::New(id) => {
            tracing::info!(
                case = id,
                locale = %escalation.locale,
                reason = escalation.reason.as_str(),
                "case created"
            );
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
    let receipt = EscalationReceipt {
        case_id: case_number(id),
        access_token: state.access_token(id),
        position: state.store.open_cases_before(id).await?,
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

/// Unknown case and wrong token look the same, so case numbers cannot be probed.
async fn view(
    State(state): State<AppState>,
    Path(case_id): Path<String>,
    headers: HeaderMap,
) -> Result<AppJson<CaseView>, AppError> {
    let token = bearer_token(&headers).ok_or_else(AppError::unauthorized)?;
    let id = parse_case_number(&case_id).ok_or_else(AppError::not_found)?;
    if !state.is_access_token(id, token) {
        return Err(AppError::not_found());
    }
    let case = state
        .store
        .case_by_id(id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let position = match case.status {
        CaseStatus::Open => state.store.open_cases_before(id).await?,
        CaseStatus::Resolved => 0,
    };
    Ok(AppJson(CaseView {
        case_id: case_number(id),
        status: case.status,
        position,
    }))
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
