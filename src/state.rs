//! The widget's state and its pure reducer: what the shopper sees, with no IO.

use kefu_api::{EscalationReason, EscalationReceipt, Locale, Speaker, TranscriptLine};
use std::rc::Rc;
use yew::Reducible;

use crate::i18n::texts;

/// The id of the FAQ entry whose answer also opens the order card ("查订单", "order status").
pub const ORDER_TOPIC: &str = "order_status";

/// A bot line, stored by meaning so it can be shown (and sent) in the shopper's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BotLine {
    /// The opening line.
    Greeting,
    /// The honest "not sure" answer.
    NotSure,
    /// Acknowledges a request for a person.
    HandingOver,
    /// Offers a person without being asked, and why (unsure twice, a repeat, anger).
    OfferHuman(EscalationReason),
    /// The team closed the case: the bot answers again, and a person can be asked for anew.
    Resolved,
    /// The shopper's last message to the team did not reach the server.
    NotDelivered,
}

/// What happened on the shopper's case, as the widget shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseNews {
    /// A person wrote to the shopper.
    Reply(String),
    /// A person closed the case.
    Resolved,
    /// Something the widget does not show (the shopper's own follow-ups, a reopening).
    Other,
}

/// One line of the conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// What the shopper typed.
    Shopper(String),
    /// What the widget said.
    Bot(BotLine),
    /// An FAQ answer, naming the question it answers.
    Answer {
        /// The FAQ entry's id.
        entry_id: String,
        /// The FAQ question.
        question: String,
        /// Its answer.
        answer: String,
        /// The shopper's "did this help?" vote.
        vote: Option<bool>,
    },
    /// "Not sure" with the closest FAQ questions to pick from.
    Suggestions(Vec<String>),
    /// What a person from the shop wrote, after the hand-off.
    Agent(String),
    /// The order card (`www/order.js` fills it), with the order number found in the shopper's
    /// message; empty when the order topic opened it.
    Order(String),
}

/// What the matcher made of a question, ready for the conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Nothing fits.
    NotSure,
    /// This entry answers it.
    Answer {
        /// The FAQ entry's id.
        entry_id: String,
        /// The FAQ question.
        question: String,
        /// Its answer.
        answer: String,
    },
    /// These questions are close.
    Suggest(Vec<String>),
    /// The message holds this order number: the order card answers.
    Order(String),
}

impl Reply {
    /// The reply for a matcher decision over `entries` (the bundle's, in index order).
    pub fn from_decision(
        decision: &kefu_faq::Decision,
        entries: &[kefu_faq::bundle::ShownEntry],
    ) -> Reply {
        let shown = |i: usize| entries.get(decision.hits.get(i)?.entry);
        match decision.action {
            kefu_faq::Action::Answer => match shown(0) {
                Some(e) => Reply::Answer {
                    entry_id: e.id.clone(),
                    question: e.question.clone(),
                    answer: e.answer.clone(),
                },
                None => Reply::NotSure,
            },
            kefu_faq::Action::Suggest => Reply::Suggest(
                (0..decision.hits.len())
                    .filter_map(shown)
                    .map(|e| e.question.clone())
                    .collect(),
            ),
            _ => Reply::NotSure,
        }
    }
}

/// The hand-off sheet over the conversation.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Sheet {
    /// No sheet: the conversation and the composer.
    #[default]
    None,
    /// The hand-off form.
    Form,
    /// The hand-off is on its way.
    Sending,
    /// The server took the case.
    Sent(EscalationReceipt),
    /// Sending failed; the form's content is kept for a retry.
    Failed(FailureKind),
}

/// Why a hand-off could not be sent, as the shopper is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The server could not be reached or was busy: the hand-off waits in the outbox and is
    /// sent again by itself.
    Queued,
    /// Anything else.
    Unexpected,
}

/// The hand-off being prepared: what the form holds and the key that makes sending idempotent.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Handoff {
    /// Why the shopper is being handed over.
    pub reason: EscalationReason,
    /// The message field.
    pub message: String,
    /// The summary field: the conversation in short, editable by the shopper.
    pub summary: String,
    /// The contact field.
    pub contact: String,
    /// The idempotency key, made once per hand-off and reused by every retry.
    pub key: String,
    /// The order the shopper asks about, as the JSON object its lookup answered.
    pub order: Option<String>,
}

/// A field of the hand-off form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormField {
    /// What the shopper needs.
    Message,
    /// The conversation in short.
    Summary,
    /// An e-mail or phone number.
    Contact,
}

/// Everything the widget shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// Whether the panel is open.
    pub open: bool,
    /// The UI language.
    pub locale: Locale,
    /// The conversation, oldest first.
    pub lines: Vec<Line>,
    /// The hand-off sheet.
    pub sheet: Sheet,
    /// The hand-off in preparation or in flight.
    pub handoff: Handoff,
    /// Questions in a row the FAQ was not sure about.
    pub unsure_in_a_row: u8,
    /// The id of the open case's newest event shown (its events are read after it; 0 once closed).
    pub last_event: u64,
    /// Agents' replies that arrived while the panel was closed.
    pub unread: u32,
    /// About how many minutes until a person replies, as the receipt said (not kept across
    /// pages: it would be stale).
    pub wait_minutes: Option<u32>,
}

impl State {
    /// A closed panel with the greeting.
    pub fn new(locale: Locale, open: bool) -> Self {
        State {
            open,
            locale,
            lines: vec![Line::Bot(BotLine::Greeting)],
            sheet: Sheet::None,
            handoff: Handoff::default(),
            unsure_in_a_row: 0,
            last_event: 0,
            unread: 0,
            wait_minutes: None,
        }
    }

    /// The state a saved snapshot describes: its conversation, its case, and a hand-off still
    /// in the outbox shown as queued (it is sent again at once).
    pub fn restore(locale: Locale, open: bool, saved: &crate::snapshot::Snapshot) -> Self {
        let mut state = State::new(locale, open);
        if !saved.lines.is_empty() {
            state.lines = saved.lines.clone();
        }
        state.last_event = saved.last_event;
        if let Some(case) = &saved.case {
            state.sheet = Sheet::Sent(case.clone());
        } else if let Some(outbox) = &saved.outbox {
            state.sheet = Sheet::Failed(FailureKind::Queued);
            state.handoff.key = outbox.key.clone();
        }
        state
    }

    /// The conversation as sent to the server, bot lines in the shopper's language.
    pub fn transcript(&self) -> Vec<TranscriptLine> {
        let t = texts(self.locale);
        self.lines
            .iter()
            .filter(|line| **line != Line::Bot(BotLine::Greeting))
            .map(|line| match line {
                Line::Shopper(text) => TranscriptLine {
                    from: Speaker::Shopper,
                    text: text.clone(),
                },
                Line::Bot(bot) => TranscriptLine {
                    from: Speaker::Bot,
                    text: bot_text(*bot, t).to_owned(),
                },
                Line::Answer {
                    question,
                    answer,
                    vote,
                    ..
                } => TranscriptLine {
                    from: Speaker::Bot,
                    text: [
                        "[FAQ: ",
                        question,
                        "]",
                        vote_mark(*vote),
                        " ",
                        &kefu_faq::answer::plain(answer),
                    ]
                    .concat(),
                },
                Line::Suggestions(questions) => TranscriptLine {
                    from: Speaker::Bot,
                    text: [t.not_sure, " [", &questions.join(" | "), "]"].concat(),
                },
                Line::Agent(text) => TranscriptLine {
                    from: Speaker::Agent,
                    text: text.clone(),
                },
                Line::Order(number) => TranscriptLine {
                    from: Speaker::Bot,
                    text: ["[", t.order_card, " ", number, "]"].concat(),
                },
            })
            .collect()
    }

    /// What the conversation is about, for the agents' queue: the FAQ entry last answered,
    /// as `(entry id, question)`, or the order topic when the order card was shown last.
    pub fn topic(&self) -> Option<(&str, &str)> {
        self.lines.iter().rev().find_map(|line| match line {
            Line::Answer {
                entry_id, question, ..
            } => Some((entry_id.as_str(), question.as_str())),
            Line::Order(_) => Some((ORDER_TOPIC, texts(self.locale).order_card)),
            _ => None,
        })
    }

    /// The case summary, in the shopper's language (they may edit it): the questions asked and
    /// the FAQ answers shown, with votes.
    pub fn summary(&self) -> String {
        self.lines
            .iter()
            .filter_map(|line| match line {
                Line::Shopper(text) if !wants_human(text) => Some(["· ", text].concat()),
                Line::Answer { question, vote, .. } => {
                    let t = texts(self.locale);
                    let vote = match vote {
                        Some(true) => t.voted_helpful,
                        Some(false) => t.voted_not_helpful,
                        None => "",
                    };
                    Some(
                        ["FAQ: ", question, " ", vote]
                            .concat()
                            .trim_end()
                            .to_owned(),
                    )
                }
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The case is closed: said in the conversation, and a later request for a person starts a
    /// new hand-off (with a new key; the contact is kept) whose events are read from the start.
    fn close_case(&mut self) {
        self.lines.push(Line::Bot(BotLine::Resolved));
        self.sheet = Sheet::None;
        self.last_event = 0;
        self.wait_minutes = None;
        self.unsure_in_a_row = 0;
        self.handoff = Handoff {
            contact: std::mem::take(&mut self.handoff.contact),
            ..Handoff::default()
        };
    }

    /// Whether the hand-off is on its way, queued, or taken: no person is offered again.
    fn handed_over(&self) -> bool {
        matches!(
            self.sheet,
            Sheet::Sending | Sheet::Sent(_) | Sheet::Failed(FailureKind::Queued)
        )
    }

    /// Why a person should be offered after the latest question, if they should.
    fn offer_reason(&self, text: &str) -> Option<EscalationReason> {
        if self.handed_over() {
            return None;
        }
        let asked_before = self.lines[..self.lines.len().saturating_sub(2)]
            .iter()
            .any(|line| matches!(line, Line::Shopper(earlier) if same_question(earlier, text)));
        if is_angry(text) {
            Some(EscalationReason::Anger)
        } else if asked_before {
            Some(EscalationReason::Repeat)
        } else if self.unsure_in_a_row >= 2 {
            Some(EscalationReason::LowConfidence)
        } else {
            None
        }
    }
}

/// How a vote reads in the transcript and the summary.
fn vote_mark(vote: Option<bool>) -> &'static str {
    match vote {
        Some(true) => " [helpful]",
        Some(false) => " [not helpful]",
        None => "",
    }
}

/// Whether two questions are the same but for case, spaces and punctuation.
fn same_question(a: &str, b: &str) -> bool {
    // ASCII folding only: Unicode case tables would cost the wasm kilobytes for no gain here.
    let key = |s: &str| -> String {
        s.chars()
            .filter(|&c| !(c.is_ascii_punctuation() || c.is_ascii_whitespace()))
            .filter(|c| !"？！，。、；：　…".contains(*c))
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (a, b) = (key(a), key(b));
    !a.is_empty() && a == b
}

/// The words of a bot line.
pub fn bot_text(line: BotLine, t: &crate::i18n::Texts) -> &'static str {
    match line {
        BotLine::Greeting => t.greeting,
        BotLine::NotSure => t.not_sure,
        BotLine::HandingOver => t.handing_over,
        BotLine::OfferHuman(_) => t.offer_human,
        BotLine::Resolved => t.resolved,
        BotLine::NotDelivered => t.not_delivered,
    }
}

/// What can happen to the widget.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Open or close the panel.
    SetOpen(bool),
    /// The page switched language (`Kefu.setLocale`).
    SetLocale(Locale),
    /// The shopper voted on the answer at `line`.
    Vote {
        /// Index of the answer in the conversation.
        line: usize,
        /// Whether it helped.
        helpful: bool,
    },
    /// The shopper sent a question.
    Ask {
        /// What they typed.
        text: String,
        /// What the matcher made of it.
        reply: Reply,
        /// A fresh idempotency key, used if the question asks for a person.
        fresh_key: String,
    },
    /// The shopper asked for a person.
    RequestHuman {
        /// Why.
        reason: EscalationReason,
        /// A fresh idempotency key, used only if no hand-off is in preparation.
        fresh_key: String,
    },
    /// A field of the form changed.
    EditForm {
        /// Which field.
        field: FormField,
        /// Its new value.
        value: String,
    },
    /// The order card asked for a person about the order it shows: the order goes with the
    /// hand-off (if the form is open) and `line` (the order in a few words) heads the summary.
    AttachOrder {
        /// The order in a few words, in the shopper's language.
        line: String,
        /// The `OrderStatus` JSON object the lookup answered.
        json: String,
    },
    /// The shopper closed the form without sending.
    CancelForm,
    /// The hand-off left for the server.
    Sending,
    /// The server took the case; a person replies in about `wait_minutes`, if it said.
    Sent {
        /// The receipt.
        receipt: EscalationReceipt,
        /// The expected wait, in minutes.
        wait_minutes: Option<u32>,
    },
    /// Sending failed.
    Failed(FailureKind),
    /// News on a case: its event `id` (ignored unless it is the open case and newer than
    /// `last_event`).
    CaseNews {
        /// The case number.
        case_id: String,
        /// The event's id.
        id: u64,
        /// What happened.
        news: CaseNews,
    },
    /// The shopper wrote to the team on their open case.
    FollowUp(String),
    /// A follow-up did not reach the team; `closed`: because the case was closed meanwhile.
    FollowUpFailed {
        /// The server said the case is resolved.
        closed: bool,
    },
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetOpen(open) => {
                next.open = open;
                if open {
                    next.unread = 0;
                }
            }
            Action::SetLocale(locale) => next.locale = locale,
            Action::CaseNews { case_id, id, news } => {
                // Events already shown (a repeated read) and news of another case are skipped.
                let open_case = matches!(&next.sheet, Sheet::Sent(r) if r.case_id == case_id);
                if id <= next.last_event || !open_case {
                    return self;
                }
                next.last_event = id;
                match news {
                    CaseNews::Reply(text) => {
                        next.lines.push(Line::Agent(text));
                        if !next.open {
                            next.unread = next.unread.saturating_add(1);
                        }
                    }
                    CaseNews::Resolved => next.close_case(),
                    CaseNews::Other => {}
                }
            }
            Action::FollowUp(text) => {
                let text = text.trim();
                if text.is_empty() || !matches!(next.sheet, Sheet::Sent(_)) {
                    return self;
                }
                next.lines.push(Line::Shopper(text.to_owned()));
            }
            Action::FollowUpFailed { closed } => {
                next.lines.push(Line::Bot(BotLine::NotDelivered));
                if closed && matches!(next.sheet, Sheet::Sent(_)) {
                    next.close_case();
                }
            }
            Action::Ask {
                text,
                reply,
                fresh_key,
            } => {
                let text = text.trim().to_owned();
                if text.is_empty() {
                    return self;
                }
                let wants_person = wants_human(&text);
                next.lines.push(Line::Shopper(text.clone()));
                if wants_person {
                    next.lines.push(Line::Bot(BotLine::HandingOver));
                    // Saying it is pressing the button: no confirmation loop.
                    return Rc::new(next).reduce(Action::RequestHuman {
                        reason: EscalationReason::Keyword,
                        fresh_key,
                    });
                }
                let unsure = matches!(reply, Reply::NotSure | Reply::Suggest(_));
                let order_topic =
                    matches!(&reply, Reply::Answer { entry_id, .. } if entry_id == ORDER_TOPIC);
                next.lines.push(match reply {
                    Reply::NotSure => Line::Bot(BotLine::NotSure),
                    Reply::Order(number) => Line::Order(number),
                    Reply::Answer {
                        entry_id,
                        question,
                        answer,
                    } => Line::Answer {
                        entry_id,
                        question,
                        answer,
                        vote: None,
                    },
                    Reply::Suggest(questions) if questions.is_empty() => {
                        Line::Bot(BotLine::NotSure)
                    }
                    Reply::Suggest(questions) => Line::Suggestions(questions),
                });
                if order_topic {
                    next.lines.push(Line::Order(String::new()));
                }
                next.unsure_in_a_row = if unsure {
                    next.unsure_in_a_row.saturating_add(1)
                } else {
                    0
                };
                if let Some(reason) = next.offer_reason(&text) {
                    next.lines.push(Line::Bot(BotLine::OfferHuman(reason)));
                    next.unsure_in_a_row = 0;
                }
            }
            Action::RequestHuman { reason, fresh_key } => match next.sheet {
                // Already sending, queued or with a person: show that, never a second case.
                Sheet::Sending | Sheet::Sent(_) | Sheet::Failed(FailureKind::Queued) => {
                    next.open = true
                }
                Sheet::Form | Sheet::Failed(_) => {
                    next.open = true;
                    next.sheet = Sheet::Form;
                }
                Sheet::None => {
                    next.open = true;
                    next.sheet = Sheet::Form;
                    // A hand-off that was prepared but not sent keeps its key.
                    let key = if next.handoff.key.is_empty() {
                        fresh_key
                    } else {
                        next.handoff.key.clone()
                    };
                    next.handoff = Handoff {
                        reason,
                        message: last_question(&next.lines),
                        summary: next
                            .summary()
                            .chars()
                            .take(kefu_api::limits::MAX_SUMMARY_CHARS)
                            .collect(),
                        contact: next.handoff.contact.clone(),
                        key,
                        order: None,
                    };
                }
            },
            Action::Vote { line, helpful } => {
                let Some(Line::Answer { vote, .. }) = next.lines.get_mut(line) else {
                    return self;
                };
                let first_no = !helpful && *vote != Some(false);
                *vote = Some(helpful);
                // An answer that did not help is the moment to offer a person.
                if first_no && !next.handed_over() {
                    next.lines.push(Line::Bot(BotLine::OfferHuman(
                        EscalationReason::LowConfidence,
                    )));
                }
            }
            Action::EditForm { field, value } => match field {
                FormField::Message => next.handoff.message = value,
                FormField::Summary => next.handoff.summary = value,
                FormField::Contact => next.handoff.contact = value,
            },
            Action::AttachOrder { line, json } => {
                if next.sheet != Sheet::Form || !(json.starts_with('{') && json.ends_with('}')) {
                    return self;
                }
                // Over-long summaries are cut when the hand-off is built.
                next.handoff.summary = [line.as_str(), "\n", &next.handoff.summary].concat();
                next.handoff.order = Some(json);
            }
            Action::CancelForm => next.sheet = Sheet::None,
            Action::Sending => next.sheet = Sheet::Sending,
            Action::Sent {
                receipt,
                wait_minutes,
            } => {
                next.sheet = Sheet::Sent(receipt);
                next.wait_minutes = wait_minutes;
            }
            Action::Failed(kind) => next.sheet = Sheet::Failed(kind),
        }
        Rc::new(next)
    }
}

fn last_question(lines: &[Line]) -> String {
    lines
        .iter()
        .rev()
        .find_map(|line| match line {
            Line::Shopper(text) if !wants_human(text) => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Angry words, in Simplified and Traditional Chinese and English (whole words for English).
const ANGRY_WORDS_ZH: &[&str] = &[
    "垃圾",
    "骗子",
    "騙子",
    "气死",
    "氣死",
    "太差",
    "差评",
    "差評",
    "破玩意",
    "坑人",
    "退钱",
    "退錢",
    "烂透",
    "爛透",
    "什么玩意",
    "什麼玩意",
    "滚",
    "滾",
];
const ANGRY_WORDS_EN: &[&str] = &[
    "terrible",
    "awful",
    "useless",
    "ridiculous",
    "scam",
    "worst",
    "angry",
    "furious",
    "stupid",
    "wtf",
    "disgusting",
    "unacceptable",
    "pathetic",
    "fraud",
];

/// Whether `text` sounds angry: an angry word, "!!!" or "？？？", or English shouted in capitals.
///
/// ```
/// use kefu_widget::state::is_angry;
/// assert!(is_angry("什么破服务，气死我了"));
/// assert!(is_angry("WHERE IS MY PARCEL"));
/// assert!(is_angry("还没到？？？"));
/// assert!(!is_angry("Where is my DHL parcel?"));
/// ```
pub fn is_angry(text: &str) -> bool {
    if ANGRY_WORDS_ZH.iter().any(|w| text.contains(w)) {
        return true;
    }
    let mut run = 0;
    for c in text.chars() {
        run = if matches!(c, '!' | '！' | '?' | '？') {
            run + 1
        } else {
            0
        };
        if run >= 3 {
            return true;
        }
    }
    let letters: Vec<char> = text.chars().filter(char::is_ascii_alphabetic).collect();
    if letters.len() >= 8 && letters.iter().all(char::is_ascii_uppercase) {
        return true;
    }
    ascii_words(text)
        .iter()
        .any(|w| ANGRY_WORDS_EN.contains(&w.as_str()))
}

/// The ASCII words of `text`, lower-cased. ASCII folding is enough for the English word lists
/// and keeps Unicode tables out of the wasm.
fn ascii_words(text: &str) -> Vec<String> {
    text.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words that ask for a person, in Simplified and Traditional Chinese and English.
const HUMAN_WORDS_ZH: &[&str] = &["人工", "真人", "客服", "投诉", "投訴", "转接", "轉接"];
const HUMAN_PHRASES_EN: &[&str] = &[
    "human",
    "agent",
    "representative",
    "real person",
    "talk to someone",
    "speak to someone",
    "talk to a person",
    "speak to a person",
    "operator",
];

/// Whether `text` asks for a person, anywhere in the sentence ("我要转人工", "can I talk to an agent?").
///
/// ```
/// use kefu_widget::state::wants_human;
/// assert!(wants_human("转人工"));
/// assert!(wants_human("我要投訴！"));
/// assert!(wants_human("Can I speak to a HUMAN please"));
/// assert!(!wants_human("快递到哪了"));
/// assert!(!wants_human("humane society")); // whole words only
/// ```
pub fn wants_human(text: &str) -> bool {
    if HUMAN_WORDS_ZH.iter().any(|w| text.contains(w)) {
        return true;
    }
    let words = ascii_words(text);
    HUMAN_PHRASES_EN.iter().any(|phrase| {
        let wanted: Vec<&str> = phrase.split(' ').collect();
        words.windows(wanted.len()).any(|window| {
            window
                .iter()
                .zip(&wanted)
                .all(|(w, p)| w == p || w.strip_suffix('s') == Some(*p))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(state: State, actions: Vec<Action>) -> State {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    fn request(key: &str) -> Action {
        Action::RequestHuman {
            reason: EscalationReason::Button,
            fresh_key: key.into(),
        }
    }

    fn receipt(case_id: &str) -> EscalationReceipt {
        EscalationReceipt {
            case_id: case_id.into(),
            access_token: "t".into(),
            position: 0,
            opens_at: None,
        }
    }

    fn sent(case_id: &str) -> Action {
        Action::Sent {
            receipt: receipt(case_id),
            wait_minutes: Some(5),
        }
    }

    fn news(case_id: &str, id: u64, news: CaseNews) -> Action {
        Action::CaseNews {
            case_id: case_id.into(),
            id,
            news,
        }
    }

    fn reply(case_id: &str, id: u64, text: &str) -> Action {
        news(case_id, id, CaseNews::Reply(text.into()))
    }

    fn ask(text: &str) -> Action {
        Action::Ask {
            text: text.into(),
            reply: Reply::NotSure,
            fresh_key: format!("key-for-{text}"),
        }
    }

    #[test]
    fn a_language_switch_keeps_the_conversation_and_speaks_the_new_language() {
        let s = reduce(
            State::new(Locale::ZhCn, true),
            vec![ask("运费"), Action::SetLocale(Locale::En)],
        );
        assert_eq!(s.locale, Locale::En);
        assert_eq!(s.lines[1], Line::Shopper("运费".into()));
        assert_eq!(s.transcript()[1].text, texts(Locale::En).not_sure);
    }

    #[test]
    fn matcher_replies_become_answer_cards_and_suggestions() {
        let answer = Reply::Answer {
            entry_id: "shipping_fee".into(),
            question: "运费怎么算？".into(),
            answer: "全场包邮。".into(),
        };
        let s = reduce(
            State::new(Locale::ZhCn, true),
            vec![
                Action::Ask {
                    text: "運費".into(),
                    reply: answer,
                    fresh_key: "k1".into(),
                },
                Action::Ask {
                    text: "退".into(),
                    reply: Reply::Suggest(vec!["怎么退货？".into(), "退款多久到账？".into()]),
                    fresh_key: "k2".into(),
                },
            ],
        );
        assert_eq!(
            s.lines[2],
            Line::Answer {
                entry_id: "shipping_fee".into(),
                question: "运费怎么算？".into(),
                answer: "全场包邮。".into(),
                vote: None,
            }
        );
        assert_eq!(
            s.lines[4],
            Line::Suggestions(vec!["怎么退货？".into(), "退款多久到账？".into()])
        );
        assert_eq!(s.transcript()[1].text, "[FAQ: 运费怎么算？] 全场包邮。");
        // Suggestions after it do not change what the conversation was about.
        assert_eq!(s.topic(), Some(("shipping_fee", "运费怎么算？")));
        assert_eq!(State::new(Locale::ZhCn, true).topic(), None);
    }

    #[test]
    fn an_unknown_question_gets_an_honest_not_sure() {
        let s = reduce(State::new(Locale::ZhCn, true), vec![ask("快递到哪了")]);
        assert_eq!(
            s.lines[1..],
            [
                Line::Shopper("快递到哪了".into()),
                Line::Bot(BotLine::NotSure)
            ]
        );
        assert_eq!(s.sheet, Sheet::None);
    }

    #[test]
    fn blank_questions_change_nothing() {
        let start = State::new(Locale::En, true);
        assert_eq!(reduce(start.clone(), vec![ask(" \n ")]), start);
    }

    #[test]
    fn typing_a_request_for_a_person_opens_the_form_at_once() {
        let s = reduce(
            State::new(Locale::ZhTw, true),
            vec![
                ask("退貨運費誰付"),
                request("k-typed-first"),
                Action::CancelForm,
                ask("我要轉人工"),
            ],
        );
        assert_eq!(s.sheet, Sheet::Form);
        assert_eq!(s.handoff.message, "退貨運費誰付");
        assert_eq!(s.lines.last(), Some(&Line::Bot(BotLine::HandingOver)));
    }

    #[test]
    fn a_hand_off_keeps_its_key_through_failures_and_retries() {
        let s = reduce(
            State::new(Locale::En, false),
            vec![
                request("key-one"),
                Action::Sending,
                Action::Failed(FailureKind::Unexpected),
                request("key-two"),
            ],
        );
        assert!(s.open);
        assert_eq!(s.sheet, Sheet::Form);
        assert_eq!(s.handoff.key, "key-one");
    }

    #[test]
    fn a_queued_hand_off_is_shown_not_reopened_and_no_person_is_offered_again() {
        let s = reduce(
            State::new(Locale::En, false),
            vec![
                request("key-one"),
                Action::Sending,
                Action::Failed(FailureKind::Queued),
                Action::SetOpen(false),
                request("key-two"),
                ask("WHY IS THIS SO SLOW???"),
            ],
        );
        assert!(s.open);
        assert_eq!(s.sheet, Sheet::Failed(FailureKind::Queued));
        assert_eq!(s.handoff.key, "key-one");
        assert!(!s
            .lines
            .iter()
            .any(|l| matches!(l, Line::Bot(BotLine::OfferHuman(_)))));
    }

    #[test]
    fn agents_replies_join_the_conversation_once_and_count_as_unread_while_closed() {
        let mut s = reduce(
            State::new(Locale::ZhCn, false),
            vec![request("k"), sent("K-1"), Action::SetOpen(false)],
        );
        s = reduce(s, vec![reply("K-1", 3, "您好"), reply("K-1", 4, "已补发")]);
        assert_eq!(s.unread, 2);
        assert_eq!(s.last_event, 4);
        s = reduce(
            s,
            vec![
                reply("K-1", 4, "已补发"),
                reply("K-2", 6, "another case's news"),
                Action::SetOpen(true),
                reply("K-1", 5, "还有问题吗"),
            ],
        );
        let agent: Vec<&Line> = s
            .lines
            .iter()
            .filter(|l| matches!(l, Line::Agent(_)))
            .collect();
        assert_eq!(
            agent.len(),
            3,
            "repeated events and other cases' news are not shown"
        );
        assert_eq!(
            s.unread, 0,
            "opening reads them; replies to an open panel are not unread"
        );
        assert_eq!(s.transcript().last().unwrap().from, Speaker::Agent);
    }

    #[test]
    fn a_restored_outbox_is_queued_with_its_key_and_a_restored_case_is_shown() {
        use crate::snapshot::{Outbox, Snapshot};
        let mut saved = Snapshot {
            session: "s".into(),
            open: false,
            lines: vec![Line::Shopper("hi".into())],
            case: None,
            outbox: Some(Outbox {
                key: "k1".into(),
                body: "{}".into(),
            }),
            last_event: 0,
        };
        let s = State::restore(Locale::En, true, &saved);
        assert_eq!(s.lines, saved.lines);
        assert_eq!(s.sheet, Sheet::Failed(FailureKind::Queued));
        assert_eq!(s.handoff.key, "k1");
        assert!(s.open);
        saved.lines.clear();
        saved.outbox = None;
        saved.case = Some(EscalationReceipt {
            case_id: "K-9".into(),
            access_token: "t".into(),
            position: 2,
            opens_at: None,
        });
        let s = State::restore(Locale::En, false, &saved);
        assert_eq!(s.lines, vec![Line::Bot(BotLine::Greeting)]);
        assert!(matches!(s.sheet, Sheet::Sent(ref r) if r.case_id == "K-9"));
    }

    #[test]
    fn after_a_case_exists_the_button_shows_it_instead_of_opening_another() {
        let s = reduce(
            State::new(Locale::En, true),
            vec![
                request("key-one"),
                sent("K-1"),
                Action::SetOpen(false),
                request("key-two"),
            ],
        );
        assert!(s.open);
        assert_eq!(s.sheet, Sheet::Sent(receipt("K-1")));
        assert_eq!(s.wait_minutes, Some(5));
    }

    #[test]
    fn follow_ups_join_the_conversation_only_while_a_case_is_open() {
        let before = reduce(State::new(Locale::ZhCn, true), vec![]);
        let s = reduce(before.clone(), vec![Action::FollowUp("还在吗".into())]);
        assert_eq!(s, before, "no case: nothing to follow up");
        let s = reduce(
            State::new(Locale::ZhCn, true),
            vec![
                request("k"),
                sent("K-2"),
                Action::FollowUp("  订单号是 DD1  ".into()),
                Action::FollowUp("   ".into()),
            ],
        );
        assert_eq!(s.lines.last(), Some(&Line::Shopper("订单号是 DD1".into())));
        assert!(matches!(s.sheet, Sheet::Sent(_)), "the case stays open");
        let s = reduce(s, vec![Action::FollowUpFailed { closed: false }]);
        assert_eq!(s.lines.last(), Some(&Line::Bot(BotLine::NotDelivered)));
        assert!(matches!(s.sheet, Sheet::Sent(_)));
    }

    #[test]
    fn a_resolved_case_is_said_and_the_next_request_for_a_person_is_a_new_hand_off() {
        let mut s = reduce(
            State::new(Locale::En, true),
            vec![
                request("key-one"),
                Action::EditForm {
                    field: FormField::Contact,
                    value: "li@example.com".into(),
                },
                sent("K-3"),
                news("K-3", 7, CaseNews::Other),
                reply("K-3", 8, "Refund sent"),
                news("K-3", 9, CaseNews::Resolved),
            ],
        );
        assert_eq!(s.sheet, Sheet::None, "the composer asks the FAQ again");
        assert_eq!(s.last_event, 0, "a next case is read from its start");
        assert_eq!(s.wait_minutes, None);
        let tail = &s.lines[s.lines.len() - 2..];
        assert_eq!(
            tail,
            [
                Line::Agent("Refund sent".into()),
                Line::Bot(BotLine::Resolved)
            ]
        );
        // Late news of the closed case changes nothing.
        let closed = s.clone();
        s = reduce(s, vec![reply("K-3", 10, "late")]);
        assert_eq!(s, closed);
        s = reduce(s, vec![request("key-two")]);
        assert_eq!(s.sheet, Sheet::Form);
        assert_eq!(
            s.handoff.key, "key-two",
            "a new case, not the old receipt again"
        );
        assert_eq!(s.handoff.contact, "li@example.com");
    }

    #[test]
    fn a_follow_up_refused_because_the_case_closed_closes_it_here_too() {
        let s = reduce(
            State::new(Locale::ZhTw, true),
            vec![
                request("k"),
                sent("K-4"),
                Action::FollowUp("還有一個問題".into()),
                Action::FollowUpFailed { closed: true },
            ],
        );
        assert_eq!(s.sheet, Sheet::None);
        let tail = &s.lines[s.lines.len() - 3..];
        assert_eq!(
            tail,
            [
                Line::Shopper("還有一個問題".into()),
                Line::Bot(BotLine::NotDelivered),
                Line::Bot(BotLine::Resolved)
            ]
        );
    }

    #[test]
    fn the_transcript_speaks_the_shoppers_language_and_skips_the_greeting() {
        let s = reduce(State::new(Locale::En, true), vec![ask("refund??")]);
        let transcript = s.transcript();
        assert_eq!(transcript.len(), 2);
        assert_eq!(transcript[0].text, "refund??");
        assert_eq!(transcript[1].from, Speaker::Bot);
        assert!(transcript[1].text.starts_with("Sorry"));
    }

    #[test]
    fn requests_for_a_person() {
        for yes in [
            "人工",
            "转人工",
            "人工客服",
            "真人",
            "找客服",
            "投诉",
            "轉人工",
            "真人客服",
            "我要投訴",
            "human",
            "Agent!",
            "representative",
            "real person",
            "I want to talk to someone",
            "agents",
            "可以转接吗",
        ] {
            assert!(wants_human(yes), "{yes} should ask for a person");
        }
        for no in [
            "快递到哪了",
            "退货",
            "refund??",
            "humanity",
            "agenda",
            "person",
        ] {
            assert!(!wants_human(no), "{no} should not ask for a person");
        }
    }
    fn answer(id: &str) -> Reply {
        Reply::Answer {
            entry_id: id.into(),
            question: format!("{id}?"),
            answer: format!("{id}."),
        }
    }

    fn asked(text: &str, reply: Reply) -> Action {
        Action::Ask {
            text: text.into(),
            reply,
            fresh_key: format!("key-for-{text}"),
        }
    }

    fn offers(state: &State) -> Vec<EscalationReason> {
        state
            .lines
            .iter()
            .filter_map(|line| match line {
                Line::Bot(BotLine::OfferHuman(reason)) => Some(*reason),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn two_unsure_replies_in_a_row_offer_a_person_once() {
        let s = reduce(
            State::new(Locale::ZhCn, true),
            vec![ask("发票抬头"), ask("能开专票吗")],
        );
        assert_eq!(offers(&s), [EscalationReason::LowConfidence]);
        assert_eq!(s.sheet, Sheet::None, "offered, not forced");
        let s = reduce(s, vec![ask("还有别的办法吗")]);
        assert_eq!(
            offers(&s).len(),
            1,
            "the streak starts again after an offer"
        );
        // An answer in between breaks the streak.
        let s = reduce(
            State::new(Locale::En, true),
            vec![ask("a"), asked("b", answer("b")), ask("c")],
        );
        assert!(offers(&s).is_empty());
    }

    #[test]
    fn the_same_question_twice_or_anger_offers_a_person() {
        let s = reduce(
            State::new(Locale::En, true),
            vec![
                asked("Where is my order?", answer("tracking")),
                asked("where is my ORDER", answer("tracking")),
            ],
        );
        assert_eq!(offers(&s), [EscalationReason::Repeat]);
        let s = reduce(
            State::new(Locale::ZhCn, true),
            vec![asked("什么破快递，气死了", answer("tracking"))],
        );
        assert_eq!(offers(&s), [EscalationReason::Anger]);
        // Taking up the offer opens the form with that reason.
        let s = reduce(
            s,
            vec![Action::RequestHuman {
                reason: EscalationReason::Anger,
                fresh_key: "k".into(),
            }],
        );
        assert_eq!(s.sheet, Sheet::Form);
        assert_eq!(s.handoff.reason, EscalationReason::Anger);
    }

    #[test]
    fn votes_land_on_answers_and_in_the_editable_summary() {
        let s = reduce(
            State::new(Locale::ZhCn, true),
            vec![
                asked("运费多少", answer("shipping_fee")),
                Action::Vote {
                    line: 2,
                    helpful: false,
                },
                Action::Vote {
                    line: 0,
                    helpful: true,
                },
                request("k"),
                Action::EditForm {
                    field: FormField::Contact,
                    value: "li@example.com".into(),
                },
            ],
        );
        assert!(matches!(
            &s.lines[2],
            Line::Answer {
                vote: Some(false),
                ..
            }
        ));
        assert_eq!(
            offers(&s),
            [EscalationReason::LowConfidence],
            "a no offers a person"
        );
        assert_eq!(
            s.handoff.summary,
            "· 运费多少\nFAQ: shipping_fee? （没帮助）"
        );
        assert_eq!(s.handoff.message, "运费多少");
        assert_eq!(s.handoff.contact, "li@example.com");
        assert_eq!(
            s.transcript()[1].text,
            "[FAQ: shipping_fee?] [not helpful] shipping_fee."
        );
    }

    #[test]
    fn anger() {
        for yes in [
            "垃圾客服",
            "騙子",
            "WHY IS THIS SO SLOW",
            "???",
            "到底什么时候到！！！",
            "this is a scam",
        ] {
            assert!(is_angry(yes), "{yes}");
        }
        for no in ["退货", "Where is DHL?", "OK", "I scammed nobody", "what?"] {
            assert!(!is_angry(no), "{no}");
        }
    }
    #[test]
    fn an_order_number_or_the_order_topic_opens_the_order_card() {
        let s = reduce(
            State::new(Locale::ZhCn, true),
            vec![
                asked(
                    "我的订单 DD20261118-4471 到哪了",
                    Reply::Order("DD20261118-4471".into()),
                ),
                asked("查订单", answer(ORDER_TOPIC)),
            ],
        );
        assert_eq!(s.lines[2], Line::Order("DD20261118-4471".into()));
        assert!(matches!(&s.lines[4], Line::Answer { entry_id, .. } if entry_id == ORDER_TOPIC));
        assert_eq!(s.lines[5], Line::Order(String::new()));
        assert_eq!(s.unsure_in_a_row, 0);
        assert_eq!(s.topic(), Some((ORDER_TOPIC, "查订单")));
        assert_eq!(s.transcript()[1].text, "[查订单 DD20261118-4471]");
    }

    #[test]
    fn a_person_asked_about_an_order_gets_the_order_with_the_hand_off() {
        let json = r#"{"order_number":"DD1","state":"shipped","updated_at_ms":0}"#;
        let attach = || Action::AttachOrder {
            line: "订单 DD1：已发货".into(),
            json: json.into(),
        };
        // No form open: nothing to attach to.
        let closed = State::new(Locale::ZhCn, true);
        assert_eq!(reduce(closed.clone(), vec![attach()]), closed);
        let s = reduce(
            State::new(Locale::ZhCn, true),
            vec![
                asked("DD1", Reply::Order("DD1".into())),
                Action::RequestHuman {
                    reason: EscalationReason::Button,
                    fresh_key: "k".into(),
                },
                attach(),
            ],
        );
        assert_eq!(s.handoff.order.as_deref(), Some(json));
        assert_eq!(s.handoff.summary, "订单 DD1：已发货\n· DD1");
        // Not a JSON object: refused.
        let form = reduce(
            State::new(Locale::ZhCn, true),
            vec![Action::RequestHuman {
                reason: EscalationReason::Button,
                fresh_key: "k".into(),
            }],
        );
        let bad = Action::AttachOrder {
            line: "x".into(),
            json: "alert(1)".into(),
        };
        assert_eq!(reduce(form.clone(), vec![bad]), form);
    }
}
