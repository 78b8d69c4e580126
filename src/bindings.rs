//! The only place that reaches into JavaScript: boot settings, page facts, events, randomness.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// What the loader (`www/loader.js`) hands to the widget on `window.__kefuBoot`.
pub struct Boot {
    /// The element inside the loader's shadow root to mount into.
    pub root: Element,
    /// API base URL; empty for the page's own origin.
    pub api: String,
    /// `auto` or a locale tag.
    pub locale: String,
    /// The shop's hotline, shown when a person cannot be reached here.
    pub hotline: Option<String>,
    /// Where the FAQ bundles are (`<faq><locale>.kfb`); empty for none.
    pub faq: String,
    /// Whether the shopper already asked to open the panel.
    pub open: bool,
    /// Whether focus moves into the panel at once (the shopper or the page opened it; not a
    /// page that restores a panel left open on the previous page).
    pub focus: bool,
}

fn get(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_string(target: &JsValue, key: &str) -> Option<String> {
    get(target, key)
        .as_string()
        .filter(|s| !s.trim().is_empty())
}

/// The loader's boot settings, if the widget was started by the loader.
pub fn boot() -> Option<Boot> {
    let window = web_sys::window()?;
    let boot = get(&window, "__kefuBoot");
    let root = get(&boot, "root").dyn_into::<Element>().ok()?;
    Some(Boot {
        root,
        api: get_string(&boot, "api").unwrap_or_default(),
        locale: get_string(&boot, "locale").unwrap_or_else(|| "auto".to_owned()),
        hotline: get_string(&boot, "hotline"),
        faq: get_string(&boot, "faq").unwrap_or_default(),
        open: get(&boot, "open").as_bool().unwrap_or(false),
        focus: get(&boot, "focus").as_bool().unwrap_or(false),
    })
}

/// The first order number in `text` by the shop's pattern (`data-order-pattern`), found by the
/// loader's `orderNumber` (case-insensitive, after NFKC folding, so full-width digits and
/// letters count); `None` without a pattern or a match.
pub fn order_number(text: &str) -> Option<String> {
    let find = get(
        &get(&web_sys::window()?.into(), "__kefuBoot"),
        "orderNumber",
    );
    let found = find
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call1(&JsValue::NULL, &JsValue::from_str(text))
        .ok()?;
    found.as_string().filter(|number| !number.is_empty())
}

/// Who the page says the shopper is (`Kefu.identify()`, kept by the loader on
/// `window.__kefuBoot.customer`), read when a hand-off is prepared.
pub fn customer() -> Option<kefu_api::Customer> {
    let customer = get(&get(&web_sys::window()?.into(), "__kefuBoot"), "customer");
    let part = |key| get_string(&customer, key).unwrap_or_default();
    kefu_api::Customer::from_page(&part("name"), &part("email"), &part("customer_id"))
}

/// The page's `<html lang>`.
pub fn page_lang() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_default()
}

/// The browser's preferred languages, most preferred first.
pub fn browser_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let navigator = window.navigator();
    let list: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if list.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        list
    }
}

/// The address of the page the shopper is on.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// 128 random bits as 32 hex digits, for idempotency keys and session ids.
pub fn random_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// Dispatches `kefu:<name>` on `window` with `detail`, for the shop's own scripts.
pub fn emit(name: &str, detail: &JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let init = web_sys::CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) =
        web_sys::CustomEvent::new_with_event_init_dict(&["kefu:", name].concat(), &init)
    {
        let _ = window.dispatch_event(&event);
    }
}

/// A plain JS object `{key: value, …}` of strings.
pub fn object(entries: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in entries {
        let _ = js_sys::Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object.into()
}

/// Runs `f` once after `ms` milliseconds (nothing happens if there is no window).
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
    after_boxed(ms, Box::new(f));
}

/// One non-generic body for every timer: each closure type would otherwise get its own copy
/// of the JS closure glue in the wasm.
fn after_boxed(ms: i32, f: Box<dyn FnOnce()>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    let _ =
        window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
}

/// The value saved under `key` in `localStorage`; `None` when there is none or storage is
/// blocked (private mode, a sandboxed frame).
pub fn load(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Saves `value` under `key` in `localStorage`; a blocked or full storage is not an error the
/// shopper can act on, so it is ignored (the widget keeps working, only forgetful).
pub fn save(key: &str, value: &str) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(key, value);
    }
}

/// Hands a call to the case line, `www/case.js`: `["watch", api, case id, token, after]`
/// streams the case's events after event `after`, `["send", text]` writes to the team on the
/// watched case, `["stop"]` stops. The loader keeps the calls in `window.__kefuCase` (an array)
/// and fetches case.js once the widget draws a `.kefu-case`; case.js then takes over `push`.
/// The line answers with `kefu:command` events: `case␟…` news and `unsent␟…` failures.
pub fn case_line(call: &[&str]) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(queue) = get(&window, "__kefuCase").dyn_into::<js_sys::Array>() {
        queue.push(
            &call
                .iter()
                .map(|part| JsValue::from_str(part))
                .collect::<js_sys::Array>(),
        );
    }
}

/// Calls `f` with every command the loader sends (`Kefu.open()`, `Kefu.close()` after the
/// widget is mounted): a `kefu:command` event on `window` whose detail is `"open"` or `"close"`.
/// The listener lives as long as the page.
pub fn on_command(f: impl Fn(&str) + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::CustomEvent)>::new(
        move |event: web_sys::CustomEvent| {
            if let Some(command) = event.detail().as_string() {
                f(&command);
            }
        },
    );
    let _ =
        window.add_event_listener_with_callback("kefu:command", listener.as_ref().unchecked_ref());
    listener.forget();
}
