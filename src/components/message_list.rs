//! The conversation, announced politely to screen readers as it grows.

use crate::i18n::Texts;
use crate::state::{bot_text, Line};
use yew::prelude::*;

/// Properties of [`MessageList`].
#[derive(PartialEq, Properties)]
pub struct MessageListProps {
    /// The conversation, oldest first.
    pub lines: Vec<Line>,
    /// The UI words.
    pub texts: &'static Texts,
    /// The shopper picked a suggested question.
    pub onask: Callback<String>,
}

/// The message list; keeps the newest line in view.
#[component]
pub fn MessageList(props: &MessageListProps) -> Html {
    let list = use_node_ref();
    {
        let list = list.clone();
        use_effect_with(props.lines.len(), move |_| {
            if let Some(element) = list.cast::<web_sys::Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    html! {
        <div class="kefu-log" role="log" aria-live="polite" aria-label={props.texts.conversation} ref={list}>
        <ol class="kefu-messages">
            { for props.lines.iter().map(|line| match line {
                Line::Shopper(text) => html! {
                    <li class="kefu-message kefu-message--shopper">{ text }</li>
                },
                Line::Bot(bot) => html! {
                    <li class="kefu-message kefu-message--bot">{ bot_text(*bot, props.texts) }</li>
                },
                Line::Answer { question, answer } => html! {
                    <li class="kefu-message kefu-message--bot kefu-answer">
                        <p class="kefu-answer-question">{ question }</p>
                        <p class="kefu-answer-text">{ answer }</p>
                    </li>
                },
                Line::Suggestions(questions) => html! {
                    <li class="kefu-message kefu-message--bot kefu-suggestions">
                        <p>{ props.texts.not_sure_topics }</p>
                        <ul class="kefu-topics">
                            { for questions.iter().map(|q| {
                                let onclick = {
                                    let (onask, q) = (props.onask.clone(), q.clone());
                                    Callback::from(move |_: MouseEvent| onask.emit(q.clone()))
                                };
                                html! { <li><button type="button" class="kefu-topic" {onclick}>{ q }</button></li> }
                            }) }
                        </ul>
                    </li>
                },
            }) }
        </ol>
        </div>
    }
}
