//! The question box: Enter sends, Shift+Enter breaks the line, and an open IME composition
//! (pinyin, zhuyin, kana) never sends half a word.

use crate::hooks::use_composing;
use yew::prelude::*;

/// Properties of [`Composer`].
#[derive(PartialEq, Properties)]
pub struct ComposerProps {
    /// Placeholder and accessible label.
    pub placeholder: AttrValue,
    /// Label of the send button.
    pub send_label: AttrValue,
    /// The shopper sent a question (trimmed, never empty).
    pub onsend: Callback<String>,
}

/// The composer.
#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let text = use_state(String::new);
    let area = use_node_ref();
    let composing = use_composing(area.clone());

    let send = {
        let text = text.clone();
        let onsend = props.onsend.clone();
        move || {
            let question = text.trim().to_owned();
            if !question.is_empty() {
                onsend.emit(question);
                text.set(String::new());
            }
        }
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
        })
    };
    let onkeydown = {
        let send = send.clone();
        Callback::from(move |e: KeyboardEvent| {
            // keyCode 229 is what browsers report for keys that an IME consumes.
            let in_ime = composing.get() || e.is_composing() || e.key_code() == 229;
            if e.key() == "Enter" && !e.shift_key() && !in_ime {
                e.prevent_default();
                send();
            }
        })
    };
    let onsubmit = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        send();
    });
    html! {
        <form class="kefu-composer" {onsubmit}>
            <textarea
                class="kefu-input"
                rows="1"
                maxlength={kefu_api::limits::MAX_MESSAGE_CHARS.to_string()}
                placeholder={props.placeholder.clone()}
                aria-label={props.placeholder.clone()}
                value={(*text).clone()}
                {oninput}
                {onkeydown}
                ref={area}
            />
            <button type="submit" class="kefu-send">{ &props.send_label }</button>
        </form>
    }
}
