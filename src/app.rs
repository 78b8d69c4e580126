//! The widget's root: the launcher and the panel, wired to the state and the server.

use crate::bindings;
use crate::components::composer::Composer;
use crate::components::handoff_form::HandoffForm;
use crate::components::handoff_status::HandoffStatus;
use crate::components::header::PanelHeader;
use crate::components::launcher::Launcher;
use crate::components::message_list::MessageList;
use crate::i18n::texts;
use crate::services::api;
use crate::services::faq as faq_service;
use crate::state::{Action, Reply, Sheet, State};
use kefu_api::{limits, Contact, EscalationReason, Locale, NewEscalation};
use kefu_faq::bundle::Bundle;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`App`]: the widget's configuration.
#[derive(PartialEq, Properties, Clone, Debug)]
pub struct AppProps {
    /// API base URL; empty for the page's own origin.
    #[prop_or_default]
    pub api: AttrValue,
    /// The UI language.
    #[prop_or_default]
    pub locale: Locale,
    /// The shop's hotline, shown on receipts and failures.
    #[prop_or_default]
    pub hotline: Option<AttrValue>,
    /// Start with the panel open.
    #[prop_or_default]
    pub open: bool,
    /// Where the FAQ bundles are (`<faq><locale>.kfb`); empty: no FAQ, every question
    /// gets an honest "not sure" and the human button.
    #[prop_or_default]
    pub faq: AttrValue,
}

/// Where the FAQ bundle stands.
#[derive(Clone, Debug)]
enum FaqState {
    /// Not asked for yet (the panel has not opened).
    Idle,
    /// On its way.
    Loading,
    /// Loaded.
    Ready(Rc<Bundle>),
    /// Not configured or failed to load: every question is "not sure", the human button stays.
    Unavailable,
}

impl PartialEq for FaqState {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (FaqState::Ready(a), FaqState::Ready(b)) => Rc::ptr_eq(a, b),
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

impl FaqState {
    /// What the FAQ says to `text`.
    fn reply(&self, text: &str) -> Reply {
        match self {
            FaqState::Ready(bundle) => {
                Reply::from_decision(&bundle.matcher.decide(text), &bundle.entries)
            }
            _ => Reply::NotSure,
        }
    }
}

/// Builds the escalation the server receives from the conversation and the form.
fn escalation(state: &State, session: &str, contact: Option<Contact>) -> NewEscalation {
    let summary: String = state
        .questions()
        .chars()
        .take(limits::MAX_SUMMARY_CHARS)
        .collect();
    let mut transcript = state.transcript();
    let excess = transcript
        .len()
        .saturating_sub(limits::MAX_TRANSCRIPT_LINES);
    transcript.drain(..excess);
    NewEscalation {
        session: session.to_owned(),
        locale: state.locale,
        page_url: bindings::page_url()
            .chars()
            .take(limits::MAX_SHORT_CHARS)
            .collect(),
        reason: state.handoff.reason,
        topic: None,
        message: state.handoff.message.trim().to_owned(),
        summary,
        transcript,
        contact,
    }
}

/// The widget.
#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer({
        let (locale, open) = (props.locale, props.open);
        move || State::new(locale, open)
    });
    let session = use_memo((), |_| bindings::random_key());
    let faq = use_state(|| FaqState::Idle);
    // Questions sent while the FAQ is still loading, answered as soon as it is there.
    let waiting = use_mut_ref(Vec::<String>::new);
    let t = texts(state.locale);

    let ask = {
        let state = state.clone();
        move |faq: &FaqState, text: String| {
            state.dispatch(Action::Ask {
                reply: faq.reply(&text),
                text,
                fresh_key: bindings::random_key(),
            })
        }
    };

    // The FAQ is fetched when the panel first opens, never before the shopper interacts.
    {
        let (faq, base, locale) = (faq.clone(), props.faq.clone(), state.locale);
        use_effect_with(state.open, move |open| {
            if *open && *faq == FaqState::Idle && !base.is_empty() {
                faq.set(FaqState::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    // Without a bundle the widget still works: every question is "not sure".
                    faq.set(match faq_service::load_bundle(&base, locale).await {
                        Ok(bundle) => FaqState::Ready(Rc::new(bundle)),
                        Err(_) => FaqState::Unavailable,
                    });
                });
            }
        });
    }
    {
        let (waiting, ask) = (waiting.clone(), ask.clone());
        use_effect_with((*faq).clone(), move |faq| {
            if *faq != FaqState::Loading {
                for text in waiting.borrow_mut().drain(..) {
                    ask(faq, text);
                }
            }
        });
    }

    let ontoggle = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::SetOpen(!state.open)))
    };
    let onclose = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::SetOpen(false)))
    };
    let onhuman = {
        let state = state.clone();
        Callback::from(move |()| {
            state.dispatch(Action::RequestHuman {
                reason: EscalationReason::Button,
                fresh_key: bindings::random_key(),
            })
        })
    };
    let onsend = {
        let faq = faq.clone();
        Callback::from(move |text: String| {
            if *faq == FaqState::Loading {
                waiting.borrow_mut().push(text);
            } else {
                ask(&faq, text);
            }
        })
    };
    let onedit = {
        let state = state.clone();
        Callback::from(move |(message, contact)| {
            state.dispatch(Action::EditForm { message, contact })
        })
    };
    let oncancel = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::CancelForm))
    };
    let onsubmit = {
        let state = state.clone();
        let session = session.clone();
        let api_base = props.api.clone();
        Callback::from(move |contact: Option<Contact>| {
            let request = escalation(&state, &session, contact);
            let key = state.handoff.key.clone();
            let state = state.clone();
            let api_base = api_base.clone();
            state.dispatch(Action::Sending);
            wasm_bindgen_futures::spawn_local(async move {
                match api::post_escalation(&api_base, &key, &request).await {
                    Ok(receipt) => {
                        bindings::emit(
                            "escalated",
                            &bindings::object(&[("case_id", &receipt.case_id)]),
                        );
                        state.dispatch(Action::Sent(receipt));
                    }
                    Err(error) => state.dispatch(Action::Failed(error.failure_kind())),
                }
            });
        })
    };
    let onretry = {
        let onsubmit = onsubmit.clone();
        let contact = state.handoff.contact.clone();
        Callback::from(move |()| onsubmit.emit(Contact::parse(&contact).ok().flatten()))
    };
    let onkeydown = {
        let onclose = onclose.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                onclose.emit(());
            }
        })
    };

    let sheet = match &state.sheet {
        Sheet::None => html! {},
        Sheet::Form => html! {
            <HandoffForm
                texts={t}
                message={AttrValue::from(state.handoff.message.clone())}
                contact={AttrValue::from(state.handoff.contact.clone())}
                {onedit}
                {onsubmit}
                {oncancel}
            />
        },
        other => html! {
            <HandoffStatus sheet={other.clone()} texts={t} hotline={props.hotline.clone()} {onretry} />
        },
    };
    html! {
        <div class="kefu" lang={state.locale.as_str()}>
            if state.open {
                <section id="kefu-panel" class="kefu-panel" role="dialog" aria-labelledby="kefu-title" {onkeydown}>
                    <PanelHeader
                        title={t.title}
                        human_label={t.human}
                        close_label={t.close}
                        {onhuman}
                        {onclose}
                    />
                    <MessageList lines={state.lines.clone()} texts={t} onask={onsend.clone()} />
                    { sheet }
                    if state.sheet == Sheet::None {
                        <Composer placeholder={t.ask_placeholder} send_label={t.send} {onsend} />
                    }
                </section>
            }
            <Launcher
                open={state.open}
                label_open={t.launcher_open}
                label_close={t.launcher_close}
                onclick={ontoggle}
            />
        </div>
    }
}
