//! `POST /feedback` ("did this help?" votes) and `POST /unanswered` (batched questions the
//! widget could not answer; personal data masked again here, whatever the client did).

use super::now_ms;
use crate::error::{AppError, AppJson};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use kefu_api::mask::mask_personal;
use kefu_api::signals::{Accepted, Feedback, UnansweredBatch};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/feedback", post(feedback))
        .route("/unanswered", post(unanswered))
}

async fn feedback(
    State(state): State<AppState>,
    AppJson(vote): AppJson<Feedback>,
) -> Result<(StatusCode, AppJson<Accepted>), AppError> {
    vote.validate()?;
    state.store.record_feedback(&vote, now_ms()).await?;
    Ok((StatusCode::ACCEPTED, AppJson(Accepted { accepted: 1 })))
}

async fn unanswered(
    State(state): State<AppState>,
    AppJson(mut batch): AppJson<UnansweredBatch>,
) -> Result<(StatusCode, AppJson<Accepted>), AppError> {
    batch.validate()?;
    for q in &mut batch.questions {
        q.text = mask_personal(&q.text);
        q.confidence = if q.confidence.is_finite() {
            q.confidence.clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
    state
        .store
        .record_unanswered(batch.locale, &batch.questions, now_ms())
        .await?;
    let accepted = u32::try_from(batch.questions.len()).unwrap_or(u32::MAX);
    Ok((StatusCode::ACCEPTED, AppJson(Accepted { accepted })))
}
