//! Browser tests of the widget's panel (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use kefu_api::Locale;
use kefu_widget::app::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens here, so every hand-off fails the way it does offline.
const UNREACHABLE_API: &str = "http://127.0.0.1:9";

async fn mount(props: AppProps) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

fn open_panel(api: &str, locale: Locale) -> AppProps {
    AppProps {
        api: api.to_owned().into(),
        locale,
        hotline: Some("400-820-8820".into()),
        open: true,
        focus: false,
        faq: "".into(),
        remember: false,
    }
}

fn find(root: &Element, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.dyn_into().unwrap())
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

async fn click(root: &Element, selector: &str) {
    find(root, selector)
        .unwrap_or_else(|| panic!("no {selector}"))
        .click();
    yew::scheduler::flush().await;
}

fn assert_human_button(root: &Element, state: &str) {
    assert_eq!(
        count(root, ".kefu-header .kefu-human"),
        1,
        "the human button must be in the header while {state}"
    );
}

async fn type_into(root: &Element, selector: &str, text: &str) {
    let area: HtmlTextAreaElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    area.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(
        &web_sys::InputEvent::new_with_event_init_dict("input", &init.unchecked_into()).unwrap(),
    )
    .unwrap();
    yew::scheduler::flush().await;
}

/// How Enter is pressed.
#[derive(Clone, Copy, Default)]
struct Enter {
    /// While an IME composition is open.
    composing: bool,
    /// With Shift held.
    shift: bool,
}

async fn press_enter(root: &Element, selector: &str, how: Enter) {
    let target = root.query_selector(selector).unwrap().unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_shift_key(how.shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_is_composing(how.composing);
    target
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
    yew::scheduler::flush().await;
}

fn composition(root: &Element, selector: &str, kind: &str) {
    let target = root.query_selector(selector).unwrap().unwrap();
    let init = web_sys::CompositionEventInit::new();
    init.set_bubbles(true);
    target
        .dispatch_event(&web_sys::CompositionEvent::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

/// Lets the browser run its event loop (network, timers) once.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 5)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
    yew::scheduler::flush().await;
}

/// Waits until `selector` appears, for at most a few seconds of browser time.
async fn wait_for(root: &Element, selector: &str) {
    for _ in 0..1_000 {
        if find(root, selector).is_some() {
            return;
        }
        next_task().await;
    }
    panic!("{selector} never appeared");
}

#[wasm_bindgen_test]
async fn the_open_panel_has_header_conversation_and_composer() {
    let root = mount(open_panel("", Locale::ZhCn)).await;
    assert_eq!(
        find(&root, ".kefu-human").unwrap().text_content().unwrap(),
        "转人工"
    );
    assert_eq!(count(&root, ".kefu-message--bot"), 1, "greeting");
    assert_eq!(count(&root, ".kefu-composer"), 1);
    let panel = find(&root, "#kefu-panel").unwrap();
    assert_eq!(panel.get_attribute("role").as_deref(), Some("dialog"));
}

#[wasm_bindgen_test]
async fn a_panel_the_shopper_opens_takes_focus_and_a_restored_one_does_not() {
    let active_class = || {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .map(|e| e.class_name())
    };
    // Whatever an earlier test focused lets go first.
    if let Some(focused) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = focused.blur();
    }
    mount(open_panel("", Locale::En)).await;
    assert_ne!(
        active_class().as_deref(),
        Some("kefu-input"),
        "restored: focus stays"
    );
    mount(AppProps {
        focus: true,
        ..open_panel("", Locale::En)
    })
    .await;
    assert_eq!(
        active_class().as_deref(),
        Some("kefu-input"),
        "opened: in the composer"
    );
}

#[wasm_bindgen_test]
async fn the_human_button_is_there_in_every_panel_state() {
    let root = mount(open_panel(UNREACHABLE_API, Locale::En)).await;
    assert_human_button(&root, "chatting");

    type_into(&root, ".kefu-input", "where is my parcel").await;
    press_enter(&root, ".kefu-input", Enter::default()).await;
    assert_eq!(count(&root, ".kefu-message--shopper"), 1);
    assert_human_button(&root, "answering");

    click(&root, ".kefu-human").await;
    assert_eq!(count(&root, ".kefu-form"), 1, "clicking it shows the form");
    assert_human_button(&root, "the form is open");

    click(&root, ".kefu-form .kefu-primary").await;
    assert_eq!(count(&root, ".kefu-status"), 1, "sending");
    assert_human_button(&root, "sending");

    wait_for(&root, ".kefu-failed").await;
    assert_human_button(&root, "queued after a failed hand-off");
    let failure = find(&root, ".kefu-failed").unwrap().text_content().unwrap();
    assert!(
        failure.contains("400-820-8820") && failure.contains("Queued"),
        "queued, and the hotline is offered: {failure}"
    );

    // The hand-off waits in the outbox: pressing the button again shows it, never a second form.
    click(&root, ".kefu-human").await;
    assert_eq!(count(&root, ".kefu-form"), 0, "no second hand-off");
    assert_eq!(
        count(&root, ".kefu-status"),
        1,
        "the queued hand-off is shown"
    );

    click(&root, ".kefu-close").await;
    assert_eq!(count(&root, ".kefu-panel"), 0);
    // The loader's launcher (and `Kefu.open()`) reopen the panel with this command.
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&"open".into());
    let reopen = web_sys::CustomEvent::new_with_event_init_dict("kefu:command", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&reopen).unwrap();
    yew::scheduler::flush().await;
    assert_human_button(&root, "reopened");
}

#[wasm_bindgen_test]
async fn an_empty_hand_off_is_refused_in_place_with_a_reason() {
    let root = mount(open_panel(UNREACHABLE_API, Locale::ZhTw)).await;
    click(&root, ".kefu-human").await;
    click(&root, ".kefu-form .kefu-primary").await;
    assert_eq!(count(&root, ".kefu-form"), 1, "nothing was sent");
    let error = find(&root, "#kefu-form-error")
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(error, "請簡單說明您需要什麼協助。");
}

#[wasm_bindgen_test]
async fn typing_a_request_for_a_person_opens_the_form() {
    let root = mount(open_panel("", Locale::ZhCn)).await;
    type_into(&root, ".kefu-input", "我要人工客服").await;
    press_enter(&root, ".kefu-input", Enter::default()).await;
    assert_eq!(count(&root, ".kefu-form"), 1);
}

#[wasm_bindgen_test]
async fn enter_during_ime_composition_sends_nothing() {
    let root = mount(open_panel("", Locale::ZhCn)).await;
    composition(&root, ".kefu-input", "compositionstart");
    type_into(&root, ".kefu-input", "kuaidi").await;
    press_enter(
        &root,
        ".kefu-input",
        Enter {
            composing: true,
            ..Enter::default()
        },
    )
    .await;
    press_enter(&root, ".kefu-input", Enter::default()).await;
    assert_eq!(
        count(&root, ".kefu-message--shopper"),
        0,
        "half a word was sent"
    );

    composition(&root, ".kefu-input", "compositionend");
    type_into(&root, ".kefu-input", "快递").await;
    press_enter(&root, ".kefu-input", Enter::default()).await;
    assert_eq!(count(&root, ".kefu-message--shopper"), 1);
}

#[wasm_bindgen_test]
async fn shift_enter_is_a_new_line_not_a_send() {
    let root = mount(open_panel("", Locale::En)).await;
    type_into(&root, ".kefu-input", "first line").await;
    let shift = Enter {
        shift: true,
        ..Enter::default()
    };
    press_enter(&root, ".kefu-input", shift).await;
    assert_eq!(count(&root, ".kefu-message--shopper"), 0);
}
