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
use crate::state::{wants_human, Action, FormField, Line, Reply, Sheet, State};
use crate::suggest::{Suggestion, MAX_SUGGESTIONS};
use kefu_api::mask::mask_personal;
use kefu_api::signals::{limits as signal_limits, Feedback, UnansweredBatch, UnansweredQuestion};
use kefu_api::{limits, Contact, EscalationReason, Locale, NewEscalation};
use kefu_faq::bundle::Bundle;
use std::cell::RefCell;
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
    /// What the FAQ says to `text`, and the question to log if the FAQ could not answer it.
    fn reply(&self, text: &str) -> (Reply, Option<UnansweredQuestion>) {
        let FaqState::Ready(bundle) = self else {
            return (Reply::NotSure, None);
        };
        let decision = bundle.matcher.decide(text);
        let unanswered =
            (decision.action != kefu_faq::Action::Answer && !wants_human(text)).then(|| {
                UnansweredQuestion {
                    text: mask_personal(text)
                        .chars()
                        .take(signal_limits::MAX_QUESTION_CHARS)
                        .collect(),
                    closest: decision
                        .hits
                        .first()
                        .and_then(|hit| bundle.entries.get(hit.entry))
                        .map(|entry| entry.id.clone()),
                    confidence: decision.confidence,
                }
            });
        (Reply::from_decision(&decision, &bundle.entries), unanswered)
    }
}

/// Least score a question needs to be suggested while the shopper types.
const SUGGEST_MIN_SCORE: f32 = 0.25;

impl FaqState {
    /// The closest FAQ questions for `text` typed so far, typed words marked.
    fn suggestions(&self, text: &str) -> Vec<Suggestion> {
        let FaqState::Ready(bundle) = self else {
            return Vec::new();
        };
        let decision = bundle.matcher.decide(text);
        decision
            .hits
            .iter()
            .filter(|hit| hit.score >= SUGGEST_MIN_SCORE)
            .take(MAX_SUGGESTIONS)
            .filter_map(|hit| {
                let entry = bundle.entries.get(hit.entry)?;
                let matched: Vec<&str> = hit
                    .spans
                    .iter()
                    .filter_map(|r| text.get(r.clone()))
                    .collect();
                Some(Suggestion::new(&entry.question, &matched))
            })
            .collect()
    }
}

/// Questions the FAQ could not answer, waiting to be sent in one batch.
#[derive(Default)]
struct UnansweredQueue {
    questions: Vec<UnansweredQuestion>,
    scheduled: bool,
}

/// How long questions gather before a batch leaves, in milliseconds.
const UNANSWERED_BATCH_MS: i32 = 3_000;

/// Adds `question` to the queue and sends the batch a little later; a failed batch is kept for
/// the next one (at most one batch's worth).
fn queue_unanswered(
    queue: &Rc<RefCell<UnansweredQueue>>,
    question: UnansweredQuestion,
    api_base: AttrValue,
    locale: Locale,
) {
    let mut q = queue.borrow_mut();
    q.questions.push(question);
    let excess = q
        .questions
        .len()
        .saturating_sub(signal_limits::MAX_UNANSWERED_BATCH);
    q.questions.drain(..excess);
    if q.scheduled {
        return;
    }
    q.scheduled = true;
    let queue = queue.clone();
    bindings::after(UNANSWERED_BATCH_MS, move || {
        let batch = {
            let mut q = queue.borrow_mut();
            q.scheduled = false;
            UnansweredBatch {
                locale,
                questions: std::mem::take(&mut q.questions),
            }
        };
        wasm_bindgen_futures::spawn_local(async move {
            if api::post_unanswered(&api_base, &batch).await.is_err() {
                let mut q = queue.borrow_mut();
                let newer = std::mem::replace(&mut q.questions, batch.questions);
                q.questions.extend(newer);
            }
        });
    });
}

/// Builds the escalation the server receives from the conversation and the form.
fn escalation(state: &State, session: &str, contact: Option<Contact>) -> NewEscalation {
    let summary: String = state
        .handoff
        .summary
        .chars()
        .take(limits::MAX_SUMMARY_CHARS)
        .collect();
    let mut transcript = state.transcript();
    let excess = transcript
        .len()
        .saturating_sub(limits::MAX_TRANSCRIPT_LINES);
    transcript.drain(..excess);
    let mut escalation = NewEscalation {
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
    };
    escalation.mask_cards();
    escalation
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
    let unanswered = use_mut_ref(UnansweredQueue::default);
    let t = texts(state.locale);

    let ask = {
        let state = state.clone();
        let api_base = props.api.clone();
        move |faq: &FaqState, text: String| {
            let (reply, question) = faq.reply(&text);
            if let Some(question) = question {
                queue_unanswered(&unanswered, question, api_base.clone(), state.locale);
            }
            state.dispatch(Action::Ask {
                reply,
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
    let onoffer = {
        let state = state.clone();
        Callback::from(move |reason: EscalationReason| {
            state.dispatch(Action::RequestHuman {
                reason,
                fresh_key: bindings::random_key(),
            })
        })
    };
    let onhuman = {
        let onoffer = onoffer.clone();
        Callback::from(move |()| onoffer.emit(EscalationReason::Button))
    };
    let onvote = {
        let state = state.clone();
        let (session, api_base) = (session.clone(), props.api.clone());
        Callback::from(move |(line, helpful): (usize, bool)| {
            let Some(Line::Answer { entry_id, .. }) = state.lines.get(line) else {
                return;
            };
            let vote = Feedback {
                session: (*session).clone(),
                locale: state.locale,
                entry_id: entry_id.clone(),
                helpful,
            };
            state.dispatch(Action::Vote { line, helpful });
            let api_base = api_base.clone();
            // A lost vote costs little; it is not worth an outbox entry.
            wasm_bindgen_futures::spawn_local(async move {
                let _ = api::post_feedback(&api_base, &vote).await;
            });
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
    let suggest = {
        let faq = faq.clone();
        Callback::from(move |text: String| faq.suggestions(&text))
    };
    let onedit = {
        let state = state.clone();
        Callback::from(move |(field, value): (FormField, String)| {
            state.dispatch(Action::EditForm { field, value })
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
                summary={AttrValue::from(state.handoff.summary.clone())}
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
                    <MessageList lines={state.lines.clone()} texts={t} onask={onsend.clone()} {onvote} onhuman={onoffer} />
                    { sheet }
                    if state.sheet == Sheet::None {
                        <Composer placeholder={t.ask_placeholder} send_label={t.send} suggestions_label={t.suggestions} {onsend} {suggest} />
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
