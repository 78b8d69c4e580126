//! The widget's root: the panel, wired to the state and the server (the loader owns the launcher).

use crate::bindings;
use crate::components::composer::Composer;
use crate::components::handoff_form::HandoffForm;
use crate::components::handoff_status::{handoff_status, HandoffStatusProps};
use crate::components::header::{panel_header, PanelHeaderProps};
use crate::components::message_list::MessageList;
use crate::i18n::texts;
use crate::services::api;
use crate::services::faq as faq_service;
use crate::snapshot::{Outbox, Snapshot, STORAGE_KEY};
use crate::state::{wants_human, Action, CaseNews, FormField, Line, Reply, Sheet, State};
use crate::suggest::{Suggestion, MAX_SUGGESTIONS};
use kefu_api::mask::mask_personal;
use kefu_api::signals::{limits as signal_limits, Feedback, UnansweredBatch, UnansweredQuestion};
use kefu_api::{limits, Contact, EscalationReason, Locale, NewEscalation};
use kefu_faq::bundle::Bundle;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
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
    /// Move focus into the panel when it starts open (the shopper just asked for it).
    #[prop_or_default]
    pub focus: bool,
    /// Where the FAQ bundles are (`<faq><locale>.kfb`); empty: no FAQ, every question
    /// gets an honest "not sure" and the human button.
    #[prop_or_default]
    pub faq: AttrValue,
    /// Keep the conversation, the case and the outbox in `localStorage` across pages (the
    /// loader's widget does; an embedded test or preview does not).
    #[prop_or_default]
    pub remember: bool,
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

/// Seconds before the next try of a queued hand-off: 2, 4, 8, 16, then every 30.
fn retry_delay_ms(attempt: u32) -> i32 {
    2_000_i32.saturating_mul(1 << attempt.min(4)).min(30_000)
}

/// The hand-off waiting to be sent, shared by the form, the retry timer and the retry button.
#[derive(Default)]
struct OutboxSlot {
    pending: Option<Outbox>,
    in_flight: bool,
    attempts: u32,
    /// Whether the outbox (with the conversation) is kept in `localStorage`.
    remember: bool,
}

/// Sends what is in the outbox (if nothing is on its way already). A hand-off the server may
/// take later stays in the outbox and is tried again after a growing delay; every try sends
/// the same body with the same idempotency key, so the server makes exactly one case.
fn deliver(
    slot: Rc<RefCell<OutboxSlot>>,
    state: UseReducerHandle<State>,
    api_base: AttrValue,
    session: Rc<String>,
) {
    let pending = {
        let mut s = slot.borrow_mut();
        if s.in_flight {
            return;
        }
        let Some(pending) = s.pending.clone() else {
            return;
        };
        s.in_flight = true;
        pending
    };
    state.dispatch(Action::Sending);
    wasm_bindgen_futures::spawn_local(async move {
        let result = api::post_escalation(&api_base, &pending.key, pending.body.clone()).await;
        let mut s = slot.borrow_mut();
        s.in_flight = false;
        match result {
            Ok((receipt, wait_minutes)) => {
                s.pending = None;
                drop(s);
                bindings::emit(
                    "escalated",
                    &bindings::object(&[("case_id", &receipt.case_id)]),
                );
                state.dispatch(Action::Sent {
                    receipt,
                    wait_minutes,
                });
            }
            Err(error) if error.is_retryable() => {
                let delay = retry_delay_ms(s.attempts);
                s.attempts = s.attempts.saturating_add(1);
                drop(s);
                state.dispatch(Action::Failed(error.failure_kind()));
                let retry = (
                    slot.clone(),
                    state.clone(),
                    api_base.clone(),
                    session.clone(),
                );
                bindings::after(delay, move || deliver(retry.0, retry.1, retry.2, retry.3));
            }
            Err(error) => {
                s.pending = None;
                drop(s);
                state.dispatch(Action::Failed(error.failure_kind()));
            }
        }
        // The outbox changed without the state changing (or before it did): save it now.
        save(&state, &session, &slot);
    });
}

/// Writes the conversation, the case and the outbox to `localStorage`.
fn save(state: &State, session: &str, slot: &RefCell<OutboxSlot>) {
    let slot = slot.borrow();
    if !slot.remember {
        return;
    }
    let snapshot = Snapshot::of(state, session, slot.pending.clone());
    bindings::save(STORAGE_KEY, &snapshot.encode());
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
        topic: state.topic().map(|(entry_id, _)| entry_id.to_owned()),
        message: state.handoff.message.trim().to_owned(),
        summary,
        transcript,
        contact,
        customer: bindings::customer(),
        // Written from `state.handoff.order`, the lookup's own JSON (see `to_json`).
        order: None,
    };
    escalation.mask_cards();
    escalation
}

/// The widget.
#[component]
pub fn App(props: &AppProps) -> Html {
    // What an earlier page saved: the conversation, the case, the outbox.
    let remember = props.remember;
    let saved = use_memo((), move |_| {
        remember
            .then(|| bindings::load(STORAGE_KEY))
            .flatten()
            .and_then(|text| Snapshot::decode(&text))
    });
    let state = use_reducer({
        let (locale, open, saved) = (props.locale, props.open, saved.clone());
        move || match &*saved {
            Some(saved) => State::restore(locale, open, saved),
            None => State::new(locale, open),
        }
    });
    let session = use_memo((), {
        let saved = saved.clone();
        move |_| match &*saved {
            Some(saved) => saved.session.clone(),
            None => bindings::random_key(),
        }
    });
    let outbox = use_mut_ref({
        let saved = saved.clone();
        move || OutboxSlot {
            pending: saved.as_ref().as_ref().and_then(|s| s.outbox.clone()),
            remember,
            ..OutboxSlot::default()
        }
    });
    // Saved after every change; the widget only runs once the shopper has touched it. The
    // launcher (the loader's) is told how many replies wait unread.
    {
        let (session, outbox) = (session.clone(), outbox.clone());
        use_effect_with(state.clone(), move |state| {
            save(state, &session, &outbox);
            bindings::emit("unread", &JsValue::from(state.unread));
        });
    }
    // Once mounted: the shop's page opens and closes the panel through `window.Kefu`, and a
    // hand-off a previous page could not send goes out now.
    {
        let (outbox, state, api_base, session) = (
            outbox.clone(),
            state.clone(),
            props.api.clone(),
            session.clone(),
        );
        use_effect_with((), move |()| {
            let handle = state.clone();
            bindings::on_command(move |command| match command {
                "open" => handle.dispatch(Action::SetOpen(true)),
                "close" => handle.dispatch(Action::SetOpen(false)),
                other => {
                    if let Some(locale) = other.strip_prefix("locale:").and_then(Locale::from_tag) {
                        handle.dispatch(Action::SetLocale(locale));
                    }
                    let mut parts = other.split('\u{1f}');
                    match (parts.next(), parts.next(), parts.next(), parts.next()) {
                        // The case line's news (www/case.js): `case␟K-7␟42␟agent_reply␟text`.
                        (Some("case"), Some(case_id), Some(id), Some(kind)) => {
                            let news = match kind {
                                "agent_reply" => CaseNews::Reply(parts.collect()),
                                "resolved" => CaseNews::Resolved,
                                _ => CaseNews::Other,
                            };
                            if let Ok(id) = id.parse() {
                                handle.dispatch(Action::CaseNews {
                                    case_id: case_id.to_owned(),
                                    id,
                                    news,
                                });
                            }
                        }
                        // A follow-up did not arrive: `unsent␟closed` (the case was resolved) or
                        // `unsent␟failed`.
                        (Some("unsent"), Some(why), _, _) => {
                            handle.dispatch(Action::FollowUpFailed {
                                closed: why == "closed",
                            })
                        }
                        // The order card's "talk to a person about this order" (www/order.js).
                        // JSON escapes control characters: the order holds no U+001F.
                        (Some("order"), Some(line), Some(json), _) => {
                            handle.dispatch(Action::RequestHuman {
                                reason: EscalationReason::Button,
                                fresh_key: bindings::random_key(),
                            });
                            handle.dispatch(Action::AttachOrder {
                                line: line.to_owned(),
                                json: json.to_owned(),
                            });
                        }
                        _ => {}
                    }
                }
            });
            deliver(outbox, state, api_base, session);
        });
    }
    // While a person has the case, the case line (www/case.js) streams its events after the
    // newest shown: replies join the conversation, and a resolution ends the case.
    {
        let case = match &state.sheet {
            Sheet::Sent(receipt) => Some(receipt.clone()),
            _ => None,
        };
        let (api_base, after) = (props.api.clone(), state.last_event);
        use_effect_with(case, move |case| {
            let watching = case.is_some();
            if let Some(receipt) = case {
                let after = kefu_api::decimal(after);
                bindings::case_line(&[
                    "watch",
                    &api_base,
                    &receipt.case_id,
                    &receipt.access_token,
                    &after,
                ]);
            }
            move || {
                if watching {
                    bindings::case_line(&["stop"]);
                }
            }
        });
    }
    let faq = use_state(|| FaqState::Idle);
    // Questions sent while the FAQ is still loading, answered as soon as it is there.
    let waiting = use_mut_ref(Vec::<String>::new);
    let unanswered = use_mut_ref(UnansweredQueue::default);
    let t = texts(state.locale);

    let ask = {
        let state = state.clone();
        let api_base = props.api.clone();
        move |faq: &FaqState, text: String| {
            // An order number in the message (the shop's pattern) opens the order card.
            let (reply, question) = match bindings::order_number(&text) {
                Some(number) => (Reply::Order(number), None),
                None => faq.reply(&text),
            };
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

    // Opening and closing are told to the page (`kefu:open`, `kefu:close`; not mounting closed
    // to send a queued hand-off). A panel the shopper opens takes focus, in the composer.
    // The FAQ in the shopper's language is fetched when the panel first opens (never before
    // the shopper interacts), and again when the page switches language (`Kefu.setLocale`).
    let panel = use_node_ref();
    {
        // The panel state and the FAQ language last acted on (one effect and one cell for
        // both: every hook instance costs the wasm code of its own).
        let seen = use_mut_ref(|| (None::<bool>, None::<Locale>));
        let (panel, focus) = (panel.clone(), props.focus);
        let (faq, base) = (faq.clone(), props.faq.clone());
        let (waiting, ask) = (waiting.clone(), ask.clone());
        use_effect_with((state.open, state.locale), move |&(open, locale)| {
            let was = seen.borrow_mut().0.replace(open);
            if was != Some(open) {
                let was_mounted = was.is_some();
                if open || was_mounted {
                    bindings::emit(if open { "open" } else { "close" }, &JsValue::NULL);
                }
                if let Some(panel) = panel
                    .cast::<web_sys::Element>()
                    .filter(|_| was_mounted || focus)
                {
                    crate::focus::cycle(&panel, ".kefu-input", 0);
                }
            }
            if open && !base.is_empty() && seen.borrow().1 != Some(locale) {
                seen.borrow_mut().1 = Some(locale);
                faq.set(FaqState::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    // Without a bundle the widget still works: every question is "not sure".
                    let loaded = match faq_service::load_bundle(&base, locale).await {
                        Ok(bundle) => {
                            let bundle = Rc::new(bundle);
                            // The typo table, once this load has painted.
                            let later = Rc::clone(&bundle);
                            bindings::after(0, move || later.matcher.prepare());
                            FaqState::Ready(bundle)
                        }
                        Err(_) => FaqState::Unavailable,
                    };
                    // A bundle for a language the page has left since is dropped.
                    if seen.borrow().1 == Some(locale) {
                        // Questions sent while it loaded are answered now.
                        for text in waiting.borrow_mut().drain(..) {
                            ask(&loaded, text);
                        }
                        faq.set(loaded);
                    }
                });
            }
        });
    }

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
    let with_person = matches!(state.sheet, Sheet::Sent(_));
    let onsend = {
        let (faq, state) = (faq.clone(), state.clone());
        Callback::from(move |text: String| {
            // While a person has the case, what the shopper writes goes to them.
            if with_person {
                state.dispatch(Action::FollowUp(text.clone()));
                bindings::case_line(&["send", &text]);
            } else if *faq == FaqState::Loading {
                waiting.borrow_mut().push(text);
            } else {
                ask(&faq, text);
            }
        })
    };
    let suggest = {
        let faq = faq.clone();
        Callback::from(move |text: String| {
            if with_person {
                Vec::new()
            } else {
                faq.suggestions(&text)
            }
        })
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
        let (session, api_base, outbox) = (session.clone(), props.api.clone(), outbox.clone());
        Callback::from(move |contact: Option<Contact>| {
            let request = escalation(&state, &session, contact);
            {
                let mut slot = outbox.borrow_mut();
                // Already on its way (a double press): the outbox holds it once.
                if slot.pending.is_none() {
                    slot.pending = Some(Outbox {
                        key: state.handoff.key.clone(),
                        body: request.to_json(state.handoff.order.as_deref()),
                    });
                    slot.attempts = 0;
                }
            }
            // In storage before the first try: a reload in flight still sends it once.
            save(&state, &session, &outbox);
            deliver(
                outbox.clone(),
                state.clone(),
                api_base.clone(),
                session.clone(),
            );
        })
    };
    let onretry = {
        let (state, session, api_base) = (state.clone(), session.clone(), props.api.clone());
        let (onsubmit, outbox) = (onsubmit.clone(), outbox.clone());
        let contact = state.handoff.contact.clone();
        Callback::from(move |()| {
            if outbox.borrow().pending.is_some() {
                deliver(
                    outbox.clone(),
                    state.clone(),
                    api_base.clone(),
                    session.clone(),
                );
            } else {
                onsubmit.emit(Contact::parse(&contact).ok().flatten());
            }
        })
    };
    // The dialog pattern: Escape closes, Tab and Shift+Tab go around inside the panel.
    let onkeydown = {
        let (onclose, panel) = (onclose.clone(), panel.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => onclose.emit(()),
            "Tab" => {
                let step = if e.shift_key() { -1 } else { 1 };
                if panel
                    .cast::<web_sys::Element>()
                    .is_some_and(|panel| crate::focus::cycle(&panel, crate::focus::TABBABLE, step))
                {
                    e.prevent_default();
                }
            }
            _ => {}
        })
    };

    let sheet = match &state.sheet {
        Sheet::None => html! {},
        Sheet::Form => html! {
            <HandoffForm
                texts={t}
                topic={state.topic().map(|(_, question)| AttrValue::from(question.to_owned()))}
                message={AttrValue::from(state.handoff.message.clone())}
                summary={AttrValue::from(state.handoff.summary.clone())}
                contact={AttrValue::from(state.handoff.contact.clone())}
                {onedit}
                {onsubmit}
                {oncancel}
            />
        },
        other => handoff_status(HandoffStatusProps {
            sheet: other,
            wait_minutes: state.wait_minutes,
            texts: t,
            hotline: props.hotline.clone(),
            onretry,
        }),
    };
    let header = panel_header(PanelHeaderProps {
        title: t.title.into(),
        human_label: t.human.into(),
        close_label: t.close.into(),
        onhuman,
        onclose,
    });
    html! {
        <div class="kefu" lang={state.locale.as_str()}>
            if state.open {
                <section ref={panel} id="kefu-panel" class="kefu-panel" role="dialog" aria-labelledby="kefu-title" {onkeydown}>
                    { header }
                    <MessageList lines={state.lines.clone()} texts={t} onask={onsend.clone()} {onvote} onhuman={onoffer} />
                    { sheet }
                    if state.sheet == Sheet::None || with_person {
                        <Composer placeholder={if with_person { t.followup_placeholder } else { t.ask_placeholder }} send_label={t.send} suggestions_label={t.suggestions} {onsend} {suggest} />
                    }
                </section>
            }

        </div>
    }
}
