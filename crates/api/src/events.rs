//! A case's conversation after the hand-off: agents' replies (`POST
//! /api/v1/agent/cases/{id}/replies`) and what the shopper's widget reads back (`GET
//! /api/v1/escalations/{id}/events?after=N`, with the case's access token).

use crate::{check_len, limits::MAX_MESSAGE_CHARS, CaseStatus, FieldError, Problem};
use serde::{Deserialize, Serialize};

/// Most events one `GET …/events` returns; the widget asks again from the last id.
pub const MAX_EVENTS_PER_READ: u32 = 100;

/// What happened on a case that the shopper sees.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum CaseEventKind {
    /// An agent wrote to the shopper.
    AgentReply,
}

/// One event, in the order the server stored them.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct CaseEvent {
    /// Increasing within a case; the widget asks for events after the last one it has.
    pub id: u64,
    /// What kind of event.
    pub kind: CaseEventKind,
    /// The text the shopper reads.
    pub text: String,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
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
        if self.text.trim().is_empty() {
            return Err(FieldError::new("text", Problem::Empty));
        }
        check_len("text", &self.text, MAX_MESSAGE_CHARS)
    }
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
    fn events_read_as_the_widget_expects() {
        let json =
            r#"{"events":[{"id":3,"kind":"agent_reply","text":"hi","at_ms":5}],"status":"open"}"#;
        let events: CaseEvents = serde_json::from_str(json).unwrap();
        assert_eq!(events.events[0].kind, CaseEventKind::AgentReply);
        assert_eq!(serde_json::to_string(&events).unwrap(), json);
    }
}
