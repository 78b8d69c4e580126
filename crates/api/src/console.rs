//! The agent console's requests and answers (`/api/v1/agent/…`): sign-in, a case with its
//! events, the FAQ as agents edit it, and the insights page.

use crate::events::CaseEvent;
use crate::{check_len, CaseSummary, FaqFileEntry, FieldError, Problem};
use serde::{Deserialize, Serialize};

/// Longest agent name, in characters.
pub const MAX_AGENT_NAME_CHARS: usize = 64;

/// Longest password, in characters (argon2 takes any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Shortest password an account may be given.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Longest FAQ question or variant, in characters.
pub const MAX_FAQ_QUESTION_CHARS: usize = 300;

/// Longest FAQ answer, in characters.
pub const MAX_FAQ_ANSWER_CHARS: usize = 4_000;

/// Most variants or keywords one FAQ entry may have.
pub const MAX_FAQ_VARIANTS: usize = 200;

/// Most entries one FAQ may have.
pub const MAX_FAQ_ENTRIES: usize = 5_000;

/// The body of `POST /api/v1/agent/login`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct Login {
    /// The agent's name.
    pub name: String,
    /// The agent's password.
    pub password: String,
}

impl Login {
    /// Checks the lengths: a name of 1 to [`MAX_AGENT_NAME_CHARS`], a password of at most
    /// [`MAX_PASSWORD_CHARS`].
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.name.trim().is_empty() {
            return Err(FieldError::new("name", Problem::Empty));
        }
        check_len("name", &self.name, MAX_AGENT_NAME_CHARS)?;
        if self.password.is_empty() {
            return Err(FieldError::new("password", Problem::Empty));
        }
        check_len("password", &self.password, MAX_PASSWORD_CHARS)
    }
}

/// `POST /api/v1/agent/login` and `GET /api/v1/agent/me`: who is signed in, and the token
/// every state-changing request of the session sends as `X-CSRF-Token`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct SignedIn {
    /// The agent's name.
    pub name: String,
    /// The session's CSRF token.
    pub csrf_token: String,
}

/// A shopper's "did this help?" vote, as a case shows it.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Vote {
    /// The FAQ entry voted on.
    pub entry_id: String,
    /// Whether it helped.
    pub helpful: bool,
}

/// `GET /api/v1/agent/cases/{id}`: a case, everything after its hand-off, and its shopper's votes.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct CaseDetail {
    /// The case.
    pub case: CaseSummary,
    /// Replies, follow-ups, held messages and status changes, oldest first.
    pub events: Vec<CaseEvent>,
    /// The shopper's votes on FAQ answers.
    pub votes: Vec<Vote>,
    /// What the FAQ matcher made of the shopper's lines before the hand-off; absent for cases
    /// that arrived while no FAQ was published in their language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<TranscriptMatches>,
}

/// The matcher's verdicts on the shopper's lines of a hand-off's transcript, worked out by the
/// server when the case arrived, on the FAQ then published in the case's language, with the
/// matcher and defaults the widget ships: the verdicts the widget gave on that FAQ.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct TranscriptMatches {
    /// The published FAQ version matched against.
    pub faq_version: i64,
    /// One per shopper line, in transcript order.
    pub lines: Vec<LineMatch>,
}

/// The matcher's verdict on one shopper line.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct LineMatch {
    /// The line's index in the escalation's `transcript`.
    pub line: u32,
    /// `answer`, `suggest` or `decline`.
    pub action: String,
    /// The calibrated confidence that the best entry answers the line, in percent.
    pub confidence: u8,
    /// The best entry's id, when any entry came close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// The best entry's question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

/// The body of `POST /api/v1/agent/cases/{id}/reassign`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct Reassign {
    /// The agent to give the case to.
    pub agent: String,
}

/// `GET /api/v1/agent/agents`: everyone a case can be given to.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct AgentList {
    /// The agents.
    pub agents: Vec<AgentName>,
}

/// One agent of an [`AgentList`].
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct AgentName {
    /// The agent's name.
    pub name: String,
}

/// `GET /api/v1/agent/faq/{locale}`: the published FAQ as agents edit it.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct FaqEdition {
    /// The locale, e.g. `zh-CN`.
    pub locale: String,
    /// The published version (0 when nothing is published yet).
    pub version: i64,
    /// The entries.
    pub entries: Vec<FaqFileEntry>,
}

/// The body of `POST /api/v1/agent/faq/{locale}/entries`: a new entry, e.g. from a case.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct NewFaqEntry {
    /// The question, e.g. the shopper's own words.
    pub question: String,
    /// The answer (the safe Markdown subset).
    pub answer: String,
    /// Other wordings.
    #[serde(default)]
    pub variants: Vec<String>,
    /// Words that point at it.
    #[serde(default)]
    pub keywords: Vec<String>,
}

impl NewFaqEntry {
    /// Checks the entry: a question and an answer that are not blank, lengths and counts
    /// within the limits above.
    ///
    /// ```
    /// use kefu_api::console::NewFaqEntry;
    /// let entry = NewFaqEntry { question: "能开发票吗".into(), answer: "能。".into(), ..Default::default() };
    /// assert!(entry.validate().is_ok());
    /// assert_eq!(NewFaqEntry { answer: String::new(), ..entry }.validate().unwrap_err().field, "answer");
    /// ```
    pub fn validate(&self) -> Result<(), FieldError> {
        check_question("question", &self.question)?;
        if self.answer.trim().is_empty() {
            return Err(FieldError::new("answer", Problem::Empty));
        }
        check_len("answer", &self.answer, MAX_FAQ_ANSWER_CHARS)?;
        for (field, list) in [("variants", &self.variants), ("keywords", &self.keywords)] {
            if list.len() > MAX_FAQ_VARIANTS {
                return Err(FieldError::new(
                    field,
                    Problem::TooMany {
                        max: MAX_FAQ_VARIANTS,
                    },
                ));
            }
            for text in list {
                check_question(field, text)?;
            }
        }
        Ok(())
    }
}

/// A question or variant: not blank, at most [`MAX_FAQ_QUESTION_CHARS`].
pub fn check_question(field: &'static str, text: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, Problem::Empty));
    }
    check_len(field, text, MAX_FAQ_QUESTION_CHARS)
}

/// The body of `POST /api/v1/agent/faq/{locale}/entries/{id}/variants`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct NewVariant {
    /// Another way shoppers ask the entry's question.
    pub text: String,
}

/// What a change of the FAQ answers: the version now published and the entry as it is now.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct FaqPublished {
    /// The new version.
    pub version: i64,
    /// The entry created or changed.
    pub entry: FaqFileEntry,
}

/// One bar of an insights chart.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Count {
    /// What is counted, e.g. a topic or a reason.
    pub key: String,
    /// How many.
    pub count: u32,
}

/// Votes on one FAQ entry.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct EntryHelpfulness {
    /// The entry.
    pub entry_id: String,
    /// "Yes, it helped" votes.
    pub up: u32,
    /// "No" votes.
    pub down: u32,
}

/// Unanswered questions that say the same thing.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct QuestionGroup {
    /// The group's most frequent wording.
    pub text: String,
    /// How many questions it holds.
    pub count: u32,
    /// A few other wordings in it.
    pub examples: Vec<String>,
}

/// `GET /api/v1/agent/insights`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct Insights {
    /// The period, in days up to now.
    pub days: u32,
    /// Widget conversations the server heard of (ones that voted or handed over).
    pub conversations: u32,
    /// Of those, the ones that handed over to a person.
    pub escalated: u32,
    /// Conversations resolved without a person; `None` with no conversations.
    pub deflection_rate: Option<f64>,
    /// Hand-offs per topic (`""`: none), most first.
    pub escalations_by_topic: Vec<Count>,
    /// Hand-offs per reason, most first.
    pub escalations_by_reason: Vec<Count>,
    /// Median time from hand-off to the first reply of a person.
    pub median_first_reply_ms: Option<i64>,
    /// Votes per FAQ entry, most voted first.
    pub helpful: Vec<EntryHelpfulness>,
    /// The most frequent unanswered questions, grouped by similarity.
    pub unanswered: Vec<QuestionGroup>,
}

/// One message of the console's live stream (`GET /api/v1/agent/stream`, event `case`).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct CaseChanged {
    /// The case number.
    pub case_id: String,
    /// `created`, `message` or `status`.
    pub change: String,
}
