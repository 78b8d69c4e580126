//! Calls to the Kefu server, with the wire types from `kefu-api`.

use crate::error::WidgetError;
use kefu_api::signals::{Feedback, UnansweredBatch};
use kefu_api::{EscalationReceipt, API_PREFIX, IDEMPOTENCY_HEADER};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// How a request authenticates or deduplicates itself.
enum Credential<'a> {
    None,
    /// `Idempotency-Key: <key>`.
    Idempotent(&'a str),
    /// `Authorization: Bearer <token>`.
    Bearer(&'a str),
}

/// `POST`s `body` (JSON) to `path` under the API, or `GET`s it without a body, and returns the
/// JSON answer of a 2xx response.
async fn call(
    api_base: &str,
    path: &str,
    credential: Credential<'_>,
    body: Option<String>,
) -> Result<JsValue, WidgetError> {
    let url = [api_base.trim_end_matches('/'), API_PREFIX, path].concat();
    let headers = Headers::new().map_err(|_| WidgetError::Offline)?;
    match credential {
        Credential::None => Ok(()),
        Credential::Idempotent(key) => headers.set(IDEMPOTENCY_HEADER, key),
        Credential::Bearer(token) => headers.set("Authorization", &["Bearer ", token].concat()),
    }
    .map_err(|_| WidgetError::Decode("bad header"))?;
    let init = RequestInit::new();
    if let Some(body) = body {
        headers
            .set("Content-Type", "application/json")
            .map_err(|_| WidgetError::Decode("bad header"))?;
        init.set_method("POST");
        init.set_body(&JsValue::from_str(&body));
    }
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
pub async fn post_escalation(
    api_base: &str,
    key: &str,
    body: String,
) -> Result<EscalationReceipt, WidgetError> {
    let json = call(
        api_base,
        "/escalations",
        Credential::Idempotent(key),
        Some(body),
    )
    .await?;
    // Read by hand rather than with serde: serde's deserialiser error messages cost ~10 KB of wasm.
    let receipt = (|| {
        Some(EscalationReceipt {
            case_id: string_field(&json, "case_id")?,
            access_token: string_field(&json, "access_token")?,
            position: field(&json, "position").as_f64()? as u32,
            opens_at: string_field(&json, "opens_at"),
        })
    })();
    receipt.ok_or(WidgetError::Decode("not an escalation receipt"))
}

/// `POST /api/v1/feedback`: one "did this help?" vote.
pub async fn post_feedback(api_base: &str, vote: &Feedback) -> Result<(), WidgetError> {
    call(
        api_base,
        "/feedback",
        Credential::None,
        Some(vote.to_json()),
    )
    .await
    .map(drop)
}

/// `POST /api/v1/unanswered`: questions the FAQ could not answer, already masked.
pub async fn post_unanswered(api_base: &str, batch: &UnansweredBatch) -> Result<(), WidgetError> {
    call(
        api_base,
        "/unanswered",
        Credential::None,
        Some(batch.to_json()),
    )
    .await
    .map(drop)
}

/// `GET /api/v1/escalations/{case}/events?after=N` with the case's access token: the agents'
/// replies after event `after` as `(id, text)`, oldest first.
pub async fn case_replies(
    api_base: &str,
    receipt: &EscalationReceipt,
    after: u64,
) -> Result<Vec<(u64, String)>, WidgetError> {
    let path = [
        "/escalations/",
        &receipt.case_id,
        "/events?after=",
        &kefu_api::decimal(after),
    ]
    .concat();
    let json = call(
        api_base,
        &path,
        Credential::Bearer(&receipt.access_token),
        None,
    )
    .await?;
    let events: js_sys::Array = field(&json, "events")
        .dyn_into()
        .map_err(|_| WidgetError::Decode("not a list of case events"))?;
    Ok(events
        .iter()
        .filter(|event| string_field(event, "kind").as_deref() == Some("agent_reply"))
        .filter_map(|event| {
            let id = field(&event, "id").as_f64()?;
            Some((id as u64, string_field(&event, "text")?))
        })
        .collect())
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn string_field(object: &JsValue, name: &str) -> Option<String> {
    field(object, name).as_string()
}
