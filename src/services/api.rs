//! Calls to the Kefu server, with the wire types from `kefu-api`.

use crate::error::WidgetError;
use kefu_api::signals::{Feedback, UnansweredBatch};
use kefu_api::{EscalationReceipt, API_PREFIX, IDEMPOTENCY_HEADER};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// `POST`s `body` (JSON) to `path` under the API and returns the JSON answer of a 2xx
/// response; with `key`, the request is idempotent on it.
async fn call(
    api_base: &str,
    path: &str,
    key: Option<&str>,
    body: String,
) -> Result<JsValue, WidgetError> {
    let url = [api_base.trim_end_matches('/'), API_PREFIX, path].concat();
    let headers = Headers::new().map_err(|_| WidgetError::Offline)?;
    if let Some(key) = key {
        headers
            .set(IDEMPOTENCY_HEADER, key)
            .map_err(|_| WidgetError::Decode("bad header"))?;
    }
    headers
        .set("Content-Type", "application/json")
        .map_err(|_| WidgetError::Decode("bad header"))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    init.set_headers(&headers);
    let window = web_sys::window().ok_or(WidgetError::Offline)?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| WidgetError::Offline)?
        .dyn_into()
        .map_err(|_| WidgetError::Offline)?;
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    let json = json.unwrap_or(JsValue::UNDEFINED);
    if !response.ok() {
        return Err(WidgetError::Server {
            status: response.status(),
            code: string_field(&json, "error").unwrap_or_default(),
        });
    }
    Ok(json)
}

/// `POST /api/v1/escalations` under `api_base` (empty: the page's origin) with `body` (a
/// [`NewEscalation`](kefu_api::NewEscalation) as JSON), idempotent on `key`.
/// Answers the receipt and, if the server could tell, about how many minutes until a person
/// replies.
pub async fn post_escalation(
    api_base: &str,
    key: &str,
    body: String,
) -> Result<(EscalationReceipt, Option<u32>), WidgetError> {
    let json = call(api_base, "/escalations", Some(key), body).await?;
    // Read by hand rather than with serde: serde's deserialiser error messages cost ~10 KB of wasm.
    let receipt = (|| {
        // An opening on another day names the day: "2026-11-23 09:00".
        let opens_at =
            string_field(&json, "opens_at").map(|time| match string_field(&json, "opens_on") {
                Some(day) => [day.as_str(), " ", &time].concat(),
                None => time,
            });
        Some(EscalationReceipt {
            case_id: string_field(&json, "case_id")?,
            access_token: string_field(&json, "access_token")?,
            position: field(&json, "position").as_f64()? as u32,
            opens_at,
        })
    })();
    let wait_minutes = field(&json, "expected_reply_ms")
        .as_f64()
        .map(|ms| (ms / 60_000.0).ceil().max(1.0) as u32);
    Ok((
        receipt.ok_or(WidgetError::Decode("not an escalation receipt"))?,
        wait_minutes,
    ))
}

/// `POST /api/v1/feedback`: one "did this help?" vote.
pub async fn post_feedback(api_base: &str, vote: &Feedback) -> Result<(), WidgetError> {
    call(api_base, "/feedback", None, vote.to_json())
        .await
        .map(drop)
}

/// `POST /api/v1/unanswered`: questions the FAQ could not answer, already masked.
pub async fn post_unanswered(api_base: &str, batch: &UnansweredBatch) -> Result<(), WidgetError> {
    call(api_base, "/unanswered", None, batch.to_json())
        .await
        .map(drop)
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn string_field(object: &JsValue, name: &str) -> Option<String> {
    field(object, name).as_string()
}
