//! Downloads the published FAQ bundle (`<faq base><locale>.kfb`) the matcher runs on.

use crate::error::WidgetError;
use kefu_api::Locale;
use kefu_faq::bundle::Bundle;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Fetches and reads the bundle for `locale` under `base` (a URL ending in `/`).
pub async fn load_bundle(base: &str, locale: Locale) -> Result<Bundle, WidgetError> {
    let url = [base, locale.as_str(), ".kfb"].concat();
    let window = web_sys::window().ok_or(WidgetError::Offline)?;
    let response: Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|_| WidgetError::Offline)?
        .dyn_into()
        .map_err(|_| WidgetError::Offline)?;
    if !response.ok() {
        return Err(WidgetError::Server {
            status: response.status(),
            code: String::new(),
        });
    }
    let buffer = response.array_buffer().map_err(|_| WidgetError::Offline)?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|_| WidgetError::Offline)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Bundle::from_bytes(&bytes).map_err(|_| WidgetError::Decode("not a Kefu FAQ bundle"))
}
