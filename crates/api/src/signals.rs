//! What the widget learns for FAQ authors: "did this help?" votes (`POST /api/v1/feedback`)
//! and questions it could not answer (`POST /api/v1/unanswered`, batched, masked).

use crate::{check_len, close_object, json_field, FieldError, Locale, Problem};
use serde::{Deserialize, Serialize};

/// Limits of the signal requests.
pub mod limits {
    /// Longest FAQ entry id, in characters.
    pub const MAX_ENTRY_ID_CHARS: usize = 128;
    /// Longest question kept, in characters (longer ones are cut by the widget).
    pub const MAX_QUESTION_CHARS: usize = 500;
    /// Most questions in one unanswered batch.
    pub const MAX_UNANSWERED_BATCH: usize = 50;
}

/// The body of `POST /api/v1/feedback`: one shopper's vote on one FAQ answer.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug, Default)]
pub struct Feedback {
    /// The widget session that voted; a second vote from it on the same entry replaces the first.
    pub session: String,
    /// The language of the FAQ shown.
    pub locale: Locale,
    /// The FAQ entry's id.
    pub entry_id: String,
    /// Whether the answer helped.
    pub helpful: bool,
}

/// One question the widget could not answer.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug, Default)]
pub struct UnansweredQuestion {
    /// The question, with personal data masked ([`crate::mask::mask_personal`]).
    pub text: String,
    /// The closest entry's id, if any came close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closest: Option<String>,
    /// The matcher's confidence in that entry, `0.0..=1.0`.
    #[serde(default)]
    pub confidence: f32,
}

/// The body of `POST /api/v1/unanswered`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug, Default)]
pub struct UnansweredBatch {
    /// The language the questions were asked in.
    pub locale: Locale,
    /// The questions, oldest first.
    pub questions: Vec<UnansweredQuestion>,
}

/// The votes on one FAQ entry, for agents.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct EntryVotes {
    /// The FAQ entry's id.
    pub entry_id: String,
    /// Sessions that found it helpful.
    pub helpful: u32,
    /// Sessions that did not.
    pub not_helpful: u32,
}

/// How many items the server stored.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Accepted {
    /// Items stored.
    pub accepted: u32,
}

impl Feedback {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldError> {
        non_blank("session", &self.session, crate::limits::MAX_SHORT_CHARS)?;
        non_blank("entry_id", &self.entry_id, limits::MAX_ENTRY_ID_CHARS)
    }

    /// The body as JSON, written without serde (a test checks it equals serde's output).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        json_field(&mut out, "session", &self.session);
        json_field(&mut out, "locale", self.locale.as_str());
        json_field(&mut out, "entry_id", &self.entry_id);
        out.push_str(if self.helpful {
            "\"helpful\":true"
        } else {
            "\"helpful\":false"
        });
        close_object(&mut out);
        out
    }
}

impl UnansweredBatch {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.questions.is_empty() {
            return Err(FieldError::new("questions", Problem::Empty));
        }
        if self.questions.len() > limits::MAX_UNANSWERED_BATCH {
            return Err(FieldError::new(
                "questions",
                Problem::TooMany {
                    max: limits::MAX_UNANSWERED_BATCH,
                },
            ));
        }
        for q in &self.questions {
            non_blank("questions.text", &q.text, limits::MAX_QUESTION_CHARS)?;
            if let Some(closest) = &q.closest {
                check_len("questions.closest", closest, limits::MAX_ENTRY_ID_CHARS)?;
            }
        }
        Ok(())
    }

    /// The body as JSON, written without serde (a test checks it equals serde's output).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        json_field(&mut out, "locale", self.locale.as_str());
        out.push_str("\"questions\":[");
        for (i, q) in self.questions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            json_field(&mut out, "text", &q.text);
            if let Some(closest) = &q.closest {
                json_field(&mut out, "closest", closest);
            }
            out.push_str("\"confidence\":");
            push_fraction(&mut out, q.confidence);
            out.push('}');
        }
        out.push(']');
        close_object(&mut out);
        out
    }
}

/// Writes `value` clamped to `0..=1` with three decimals, without the float formatter (which
/// would add kilobytes to the wasm widget).
fn push_fraction(out: &mut String, value: f32) {
    let value = if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let thousandths = (value * 1000.0 + 0.5) as u32;
    out.push(char::from(b'0' + (thousandths / 1000) as u8));
    out.push('.');
    for divisor in [100, 10, 1] {
        out.push(char::from(b'0' + (thousandths / divisor % 10) as u8));
    }
}

fn non_blank(field: &'static str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, Problem::Empty));
    }
    check_len(field, value, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_json_equals_serde() {
        let vote = Feedback {
            session: "s-1\"".into(),
            locale: Locale::ZhTw,
            entry_id: "shipping_fee".into(),
            helpful: false,
        };
        let parsed: Feedback = serde_json::from_str(&vote.to_json()).unwrap();
        assert_eq!(parsed, vote);
        let batch = UnansweredBatch {
            locale: Locale::En,
            questions: vec![
                UnansweredQuestion {
                    text: "can I pay in\n\"bitcoin\"?".into(),
                    closest: Some("payment".into()),
                    confidence: 0.25,
                },
                UnansweredQuestion {
                    text: "歌词".into(),
                    closest: None,
                    confidence: f32::NAN,
                },
            ],
        };
        assert!(batch.to_json().contains("\"confidence\":0.250}"));
        let parsed: UnansweredBatch = serde_json::from_str(&batch.to_json()).unwrap();
        assert_eq!(parsed.questions[0], batch.questions[0]);
        assert_eq!(parsed.questions[1].confidence, 0.0);
        assert_eq!(
            serde_json::to_value(&parsed.questions[1]).unwrap(),
            serde_json::json!({"text": "歌词", "confidence": 0.0})
        );
    }

    #[test]
    fn bad_batches_name_the_field() {
        let empty = UnansweredBatch::default();
        assert_eq!(empty.validate().unwrap_err().field, "questions");
        let huge = UnansweredBatch {
            locale: Locale::En,
            questions: vec![
                UnansweredQuestion {
                    text: "x".repeat(limits::MAX_QUESTION_CHARS + 1),
                    ..Default::default()
                };
                1
            ],
        };
        assert_eq!(huge.validate().unwrap_err().field, "questions.text");
        let vote = Feedback::default();
        assert_eq!(vote.validate().unwrap_err().field, "session");
    }
}
