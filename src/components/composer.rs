//! The question box: Enter sends, Shift+Enter breaks the line, an open IME composition (pinyin,
//! zhuyin, kana) never sends half a word, and the closest FAQ questions show while typing.

use crate::hooks::use_composing;
use crate::suggest::{Suggestion, MIN_CHARS};
use yew::prelude::*;

/// Properties of [`Composer`].
#[derive(PartialEq, Properties)]
pub struct ComposerProps {
    /// Placeholder and accessible label.
    pub placeholder: AttrValue,
    /// Label of the send button.
    pub send_label: AttrValue,
    /// Label of the suggestion list.
    pub suggestions_label: AttrValue,
    /// The shopper sent a question (trimmed, never empty).
    pub onsend: Callback<String>,
    /// The closest FAQ questions for what is typed so far.
    pub suggest: Callback<String, Vec<Suggestion>>,
}

/// How long typing must pause before suggestions are looked up, in milliseconds.
const SUGGEST_AFTER_MS: i32 = 150;

/// Moves focus among the suggestion buttons in `list`: `step` from the focused one, or to the
/// first. Returns whether a button took focus.
fn focus_suggestion(list: &NodeRef, step: i32) -> bool {
    list.cast::<web_sys::Element>()
        .is_some_and(|list| crate::focus::cycle(&list, "button", step))
}

/// The composer.
#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let text = use_state(String::new);
    let suggestions = use_state(Vec::<Suggestion>::new);
    // Bumped on every keystroke: a lookup scheduled for older text does nothing.
    let generation = use_mut_ref(|| 0u32);
    let area = use_node_ref();
    let list = use_node_ref();
    let composing = use_composing(area.clone());

    let send_text = {
        let (text, suggestions, onsend) = (text.clone(), suggestions.clone(), props.onsend.clone());
        let generation = generation.clone();
        move |question: String| {
            let question = question.trim().to_owned();
            if !question.is_empty() {
                *generation.borrow_mut() += 1;
                onsend.emit(question);
                text.set(String::new());
                suggestions.set(Vec::new());
            }
        }
    };
    let oninput = {
        let (text, suggestions, suggest) =
            (text.clone(), suggestions.clone(), props.suggest.clone());
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let value = area.value();
            let ticket = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            text.set(value.clone());
            if value.trim().chars().count() < MIN_CHARS {
                suggestions.set(Vec::new());
                return;
            }
            let (generation, suggestions, suggest) =
                (generation.clone(), suggestions.clone(), suggest.clone());
            crate::bindings::after(SUGGEST_AFTER_MS, move || {
                if *generation.borrow() == ticket {
                    suggestions.set(suggest.emit(value));
                }
            });
        })
    };
    let onkeydown = {
        let (send_text, text, list) = (send_text.clone(), text.clone(), list.clone());
        Callback::from(move |e: KeyboardEvent| {
            // keyCode 229 is what browsers report for keys that an IME consumes.
            let in_ime = composing.get() || e.is_composing() || e.key_code() == 229;
            if in_ime {
                return;
            }
            match e.key().as_str() {
                "Enter" if !e.shift_key() => {
                    e.prevent_default();
                    send_text((*text).clone());
                }
                "ArrowDown" if focus_suggestion(&list, 0) => e.prevent_default(),
                _ => {}
            }
        })
    };
    let onlistkey = {
        let (list, area, suggestions) = (list.clone(), area.clone(), suggestions.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" => {
                e.prevent_default();
                focus_suggestion(&list, 1);
            }
            "ArrowUp" => {
                e.prevent_default();
                focus_suggestion(&list, -1);
            }
            "Escape" => {
                // Closes the list, not the panel.
                e.stop_propagation();
                suggestions.set(Vec::new());
                if let Some(area) = area.cast::<web_sys::HtmlElement>() {
                    let _ = area.focus();
                }
            }
            _ => {}
        })
    };
    let onsubmit = {
        let (send_text, text) = (send_text.clone(), text.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send_text((*text).clone());
        })
    };
    html! {
        <div class="kefu-compose">
            if !suggestions.is_empty() {
                <ul class="kefu-suggest" aria-label={props.suggestions_label.clone()} ref={list} onkeydown={onlistkey}>
                    { for suggestions.iter().map(|s| {
                        let onclick = {
                            let (send_text, question) = (send_text.clone(), s.question.clone());
                            Callback::from(move |_: MouseEvent| send_text(question.clone()))
                        };
                        html! {
                            <li><button type="button" class="kefu-suggest-item" {onclick}>
                                { for s.pieces().into_iter().map(|(piece, marked)| if marked {
                                    html! { <mark>{ piece }</mark> }
                                } else {
                                    html! { { piece } }
                                }) }
                            </button></li>
                        }
                    }) }
                </ul>
            }
            <form class="kefu-composer" {onsubmit}>
                <textarea
                    class="kefu-input"
                    rows="1"
                    maxlength={kefu_api::decimal(kefu_api::limits::MAX_MESSAGE_CHARS as u64)}
                    placeholder={props.placeholder.clone()}
                    aria-label={props.placeholder.clone()}
                    value={(*text).clone()}
                    {oninput}
                    {onkeydown}
                    ref={area}
                />
                <button type="submit" class="kefu-send">{ props.send_label.as_str() }</button>
            </form>
        </div>
    }
}
