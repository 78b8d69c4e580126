//! A case's conversation after the hand-off: agents' replies (`POST
//! /api/v1/agent/cases/{id}/replies`), the shopper's follow-ups (`POST
//! /api/v1/escalations/{id}/messages`, with the case's access token) and what the shopper's
//! widget reads back (`GET /api/v1/escalations/{id}/events?after=N`, with the same token).

use crate::{check_len, limits::MAX_MESSAGE_CHARS, CaseStatus, FieldError, Problem};
use serde::{Deserialize, Serialize};

/// Most events one `GET …/events` returns; the widget asks again from the last id.
pub const MAX_EVENTS_PER_READ: u32 = 100;

/// What happened on a case, seen by the shopper and the agents.
///
/// Readers should skip kinds they do not know, as the widget does: later versions may add
/// some.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum CaseEventKind {
    /// An agent wrote to the shopper.
    AgentReply,
    /// The shopper wrote to the agents after the hand-off.
    ShopperMessage,
    /// The shopper wrote after an agent blocked their session: kept for agents, never delivered.
    HeldMessage,
    /// An agent resolved the case.
    Resolved,
    /// An agent opened a resolved case again.
    Reopened,
    /// The case was given to an agent (named in the event's `agent`).
    Assigned,
}

impl CaseEventKind {
    /// Who writes events of this kind.
    ///
    /// ```
    /// use kefu_api::events::{Author, CaseEventKind};
    /// assert_eq!(CaseEventKind::AgentReply.author(), Author::Agent);
    /// assert_eq!(CaseEventKind::ShopperMessage.author(), Author::Shopper);
    /// ```
    pub fn author(self) -> Author {
        match self {
            CaseEventKind::ShopperMessage | CaseEventKind::HeldMessage => Author::Shopper,
            CaseEventKind::AgentReply
            | CaseEventKind::Resolved
            | CaseEventKind::Reopened
            | CaseEventKind::Assigned => Author::Agent,
        }
    }

    /// Whether the shopper's widget is shown events of this kind (held messages and
    /// assignments are for agents only).
    ///
    /// ```
    /// use kefu_api::events::CaseEventKind;
    /// assert!(CaseEventKind::AgentReply.shopper_sees());
    /// assert!(!CaseEventKind::HeldMessage.shopper_sees());
    /// ```
    pub fn shopper_sees(self) -> bool {
        !matches!(self, CaseEventKind::HeldMessage | CaseEventKind::Assigned)
    }

    /// The wire name, also the database value.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseEventKind::AgentReply => "agent_reply",
            CaseEventKind::ShopperMessage => "shopper_message",
            CaseEventKind::HeldMessage => "held_message",
            CaseEventKind::Resolved => "resolved",
            CaseEventKind::Reopened => "reopened",
            CaseEventKind::Assigned => "assigned",
        }
    }

    /// The kind named `name` ([`CaseEventKind::as_str`]).
    pub fn from_name(name: &str) -> Option<CaseEventKind> {
        [
            CaseEventKind::AgentReply,
            CaseEventKind::ShopperMessage,
            CaseEventKind::HeldMessage,
            CaseEventKind::Resolved,
            CaseEventKind::Reopened,
            CaseEventKind::Assigned,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// Who wrote a case event.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// An agent; also what an event without `from` (written before follow-ups existed) reads as.
    #[default]
    Agent,
    /// The shopper the case belongs to.
    Shopper,
}

/// One event, in the order the server stored them.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct CaseEvent {
    /// Increasing within a case; the widget asks for events after the last one it has.
    pub id: u64,
    /// What kind of event.
    pub kind: CaseEventKind,
    /// Who wrote it (always [`CaseEventKind::author`] of `kind`); absent reads as an agent.
    #[serde(default)]
    pub from: Author,
    /// What was written, as plain text, card numbers masked.
    pub text: String,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The agent who wrote it or was assigned; only in the agents' API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

/// The body of `GET /api/v1/escalations/{id}/events`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct CaseEvents {
    /// Events after the one asked for, oldest first, at most [`MAX_EVENTS_PER_READ`].
    pub events: Vec<CaseEvent>,
    /// Where the case stands now.
    pub status: CaseStatus,
}

/// The body of `POST /api/v1/agent/cases/{id}/replies`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct AgentReply {
    /// What the agent writes to the shopper.
    pub text: String,
}

impl AgentReply {
    /// Checks the reply: not blank, at most [`MAX_MESSAGE_CHARS`].
    pub fn validate(&self) -> Result<(), FieldError> {
        check_event_text(&self.text)
    }
}

/// The body of `POST /api/v1/escalations/{id}/messages`: the shopper writes to the agents
/// after the hand-off.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct ShopperMessage {
    /// What the shopper writes, as plain text.
    pub text: String,
}

impl ShopperMessage {
    /// Checks the message with the same rules as an agent's reply: not blank, at most
    /// [`MAX_MESSAGE_CHARS`].
    pub fn validate(&self) -> Result<(), FieldError> {
        check_event_text(&self.text)
    }
}

/// The rule for the text of every event someone writes: not blank, at most
/// [`MAX_MESSAGE_CHARS`]; the field to blame is `text`.
fn check_event_text(text: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new("text", Problem::Empty));
    }
    check_len("text", text, MAX_MESSAGE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_must_say_something_and_not_too_much() {
        assert!(AgentReply {
            text: "您好，已为您查询".into()
        }
        .validate()
        .is_ok());
        for bad in ["", "  \n", &"字".repeat(MAX_MESSAGE_CHARS + 1)] {
            assert!(
                AgentReply { text: bad.into() }.validate().is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn shopper_messages_follow_the_same_rules_as_replies() {
        assert!(ShopperMessage {
            text: "还在吗？".into()
        }
        .validate()
        .is_ok());
        let longest = "字".repeat(MAX_MESSAGE_CHARS);
        assert!(ShopperMessage { text: longest }.validate().is_ok());
        for bad in ["", "  \n", &"字".repeat(MAX_MESSAGE_CHARS + 1)] {
            let reply = AgentReply { text: bad.into() }.validate();
            let message = ShopperMessage { text: bad.into() }.validate();
            assert_eq!(message, reply, "{bad:?}");
            assert_eq!(message.unwrap_err().field, "text", "{bad:?}");
        }
    }

    #[test]
    fn events_read_as_the_widget_expects() {
        let json = r#"{"events":[{"id":3,"kind":"agent_reply","from":"agent","text":"hi","at_ms":5},{"id":4,"kind":"shopper_message","from":"shopper","text":"ok","at_ms":6}],"status":"open"}"#;
        let events: CaseEvents = serde_json::from_str(json).unwrap();
        assert_eq!(events.events[0].kind, CaseEventKind::AgentReply);
        assert_eq!(events.events[1].from, Author::Shopper);
        assert_eq!(serde_json::to_string(&events).unwrap(), json);
    }

    #[test]
    fn events_without_an_author_were_written_by_agents() {
        let old = r#"{"id":3,"kind":"agent_reply","text":"hi","at_ms":5}"#;
        let event: CaseEvent = serde_json::from_str(old).unwrap();
        assert_eq!(event.from, Author::Agent);
    }
}
