//! What can go wrong between the widget and the server, and how the shopper is told.

use crate::state::FailureKind;
use std::fmt;

/// A failed call to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WidgetError {
    /// The request never got an answer: offline, blocked, or the server is down.
    Offline,
    /// The server answered with an error status.
    Server {
        /// HTTP status.
        status: u16,
        /// The server's error code, when it sent one.
        code: String,
    },
    /// The answer was not what the contract promises.
    Decode(&'static str),
}

impl WidgetError {
    /// Whether sending the same request later may work: no answer, the server overloaded or
    /// down. A request the server refused (4xx) would be refused again.
    pub fn is_retryable(&self) -> bool {
        match self {
            WidgetError::Offline => true,
            WidgetError::Server { status, .. } => *status == 429 || *status >= 500,
            WidgetError::Decode(_) => false,
        }
    }

    /// How the shopper is told about it.
    pub fn failure_kind(&self) -> FailureKind {
        match self {
            _ if self.is_retryable() => FailureKind::Queued,
            _ => FailureKind::Unexpected,
        }
    }
}

impl fmt::Display for WidgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WidgetError::Offline => f.write_str("the server could not be reached"),
            WidgetError::Server { status, code } => {
                write!(f, "the server answered {status} {code}")
            }
            WidgetError::Decode(why) => write!(f, "unexpected answer: {why}"),
        }
    }
}

impl std::error::Error for WidgetError {}
