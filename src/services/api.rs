//! Calls to the Kefu server, with the wire types from `kefu-api`.

use crate::error::WidgetError;
use kefu_api::{ApiError, EscalationReceipt, NewEscalation, API_PREFIX, IDEMPOTENCY_HEADER};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// `POST /api/v1/escalations` under `api_base` (empty: the page's origin), idempotent on `key`.
pub async fn post_escalation(
    api_base: &str,
    key: &str,
    escalation: &NewEscalation,
) -> Result<EscalationReceipt, WidgetError> {
    let url = format!("{}{API_PREFIX}/escalations", api_base.trim_end_matches('/'));
    let body = serde_wasm_bindgen::to_value(escalation)
        .and_then(|value| js_sys::JSON::stringify(&value).map_err(Into::into))
        .map_err(|e| WidgetError::Decode(format!("{e:?}")))?;
    let headers = Headers::new().map_err(|_| WidgetError::Offline)?;
    headers
        .set("Content-Type", "application/json")
        .and_then(|_| headers.set(IDEMPOTENCY_HEADER, key))
        .map_err(|_| WidgetError::Decode("bad header".into()))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&body);
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
    if response.ok() {
        let json = json.ok_or_else(|| WidgetError::Decode("no JSON body".into()))?;
        serde_wasm_bindgen::from_value(json).map_err(|e| WidgetError::Decode(e.to_string()))
    } else {
        let code = json
            .and_then(|j| serde_wasm_bindgen::from_value::<ApiError>(j).ok())
            .map(|e| e.error)
            .unwrap_or_default();
        Err(WidgetError::Server {
            status: response.status(),
            code,
        })
    }
}
