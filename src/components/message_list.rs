//! The conversation, announced politely to screen readers as it grows.

use crate::i18n::Texts;
use crate::state::{bot_text, BotLine, Line};
use kefu_api::EscalationReason;
use kefu_faq::answer::{nodes, Node};
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
    /// The shopper voted on the answer at a line: `(line, helpful)`.
    pub onvote: Callback<(usize, bool)>,
    /// The shopper took up an offer of a person.
    pub onhuman: Callback<EscalationReason>,
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
            { for props.lines.iter().enumerate().map(|(i, line)| match line {
                Line::Shopper(text) => html! {
                    <li class="kefu-message kefu-message--shopper">{ text.as_str() }</li>
                },
                Line::Agent(text) => html! {
                    <li class="kefu-message kefu-message--bot kefu-message--agent">
                        <p class="kefu-agent-name">{ props.texts.agent_name }</p>
                        <p>{ text.as_str() }</p>
                    </li>
                },
                Line::Bot(BotLine::OfferHuman(reason)) => {
                    let onclick = {
                        let (onhuman, reason) = (props.onhuman.clone(), *reason);
                        Callback::from(move |_: MouseEvent| onhuman.emit(reason))
                    };
                    html! {
                        <li class="kefu-message kefu-message--bot kefu-offer">
                            <p>{ props.texts.offer_human }</p>
                            <button type="button" class="kefu-primary" {onclick}>{ props.texts.human }</button>
                        </li>
                    }
                }
                Line::Bot(bot) => html! {
                    <li class="kefu-message kefu-message--bot">{ bot_text(*bot, props.texts) }</li>
                },
                Line::Answer { question, answer, vote, .. } => html! {
                    <li class="kefu-message kefu-message--bot kefu-answer">
                        <p class="kefu-answer-question">{ question.as_str() }</p>
                        { answer_html(answer) }
                        { votes(props, i, *vote) }
                    </li>
                },
                // Filled by www/order.js (the loader fetches it when the first card appears);
                // the shopper's answers in it are never kept here.
                Line::Order(number) => html! {
                    <li class="kefu-message kefu-message--bot kefu-order" data-number={number.clone()}></li>
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
                                html! { <li><button type="button" class="kefu-topic" {onclick}>{ q.as_str() }</button></li> }
                            }) }
                        </ul>
                    </li>
                },
            }) }
        </ol>
        </div>
    }
}

/// An answer's nodes as paragraphs and lists. Every text is a text node and every address was
/// checked when the FAQ was published (and again by [`nodes`]); links leave with `noopener`.
fn answer_html(encoded: &str) -> Html {
    #[derive(Default)]
    struct Blocks {
        done: Vec<Html>,
        items: Vec<Html>,
        inline: Vec<Html>,
        in_item: bool,
    }
    impl Blocks {
        fn end_inline(&mut self) {
            if self.inline.is_empty() {
                return;
            }
            let inline = std::mem::take(&mut self.inline);
            if self.in_item {
                self.items.push(html! { <li>{ for inline }</li> });
            } else {
                self.end_list();
                self.done
                    .push(html! { <p class="kefu-answer-text">{ for inline }</p> });
            }
        }
        fn end_list(&mut self) {
            if !self.items.is_empty() {
                let items = std::mem::take(&mut self.items);
                self.done
                    .push(html! { <ul class="kefu-answer-list">{ for items }</ul> });
            }
        }
    }
    let mut b = Blocks::default();
    for node in nodes(encoded) {
        match node {
            Node::Paragraph | Node::Item => {
                b.end_inline();
                b.in_item = node == Node::Item;
            }
            Node::Text(text) => b.inline.push(html! { { text } }),
            Node::Bold(text) => b.inline.push(html! { <strong>{ text }</strong> }),
            Node::Link { text, href } => {
                let external = !(href.starts_with('/') || href.starts_with('#'));
                let target = external.then_some("_blank");
                b.inline.push(html! {
                    <a href={href.to_owned()} {target} rel="noopener noreferrer">{ text }</a>
                });
            }
        }
    }
    b.end_inline();
    b.end_list();
    html! { <div class="kefu-answer-body">{ for b.done }</div> }
}

/// "Did this help?" with a yes and a no button; the chosen one stays pressed.
fn votes(props: &MessageListProps, line: usize, vote: Option<bool>) -> Html {
    let t = props.texts;
    let button = |helpful: bool, label: &'static str| {
        let onclick = {
            let onvote = props.onvote.clone();
            Callback::from(move |_: MouseEvent| onvote.emit((line, helpful)))
        };
        let pressed = if vote == Some(helpful) {
            "true"
        } else {
            "false"
        };
        html! {
            <button type="button" class="kefu-vote" aria-pressed={pressed} {onclick}>{ label }</button>
        }
    };
    html! {
        <div class="kefu-votes" role="group" aria-label={t.did_it_help}>
            <span class="kefu-votes-label">{ if vote.is_some() { t.vote_thanks } else { t.did_it_help } }</span>
            { button(true, t.helped) }
            { button(false, t.not_helped) }
        </div>
    }
}
