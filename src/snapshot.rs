//! What the widget keeps in `localStorage` so a reload or another page loses nothing: the
//! conversation, the open case and the hand-off still waiting to be sent (the outbox).
//!
//! A small text format rather than JSON: records split by U+001E, fields by U+001F (control
//! characters removed from what the shopper typed), so the wasm needs no JSON parser. The first
//! record is read by the loader too: `kefu1 · session · open · pending · case`.

use crate::state::{BotLine, Line, Sheet, State};
use kefu_api::{EscalationReason, EscalationReceipt};

/// The `localStorage` key.
pub const STORAGE_KEY: &str = "kefu.v1";
/// The format's tag, the first field.
const TAG: &str = "kefu1";
const RECORD: char = '\u{1e}';
const FIELD: char = '\u{1f}';
/// At most this many lines are kept (the newest); a long chat cannot fill the shop's storage.
pub const MAX_SAVED_LINES: usize = 100;

/// A hand-off that has not reached the server yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outbox {
    /// Its idempotency key: every attempt, before and after reloads, sends this one.
    pub key: String,
    /// The request body (JSON), exactly as first built.
    pub body: String,
}

/// Everything saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The shopper's session id.
    pub session: String,
    /// Whether the panel was open.
    pub open: bool,
    /// The conversation.
    pub lines: Vec<Line>,
    /// The case the server took, if any.
    pub case: Option<EscalationReceipt>,
    /// The hand-off waiting to be sent, if any.
    pub outbox: Option<Outbox>,
    /// The newest case event shown.
    pub last_event: u64,
}

impl Snapshot {
    /// What `state` and the outbox say now.
    pub fn of(state: &State, session: &str, outbox: Option<Outbox>) -> Snapshot {
        let skip = state.lines.len().saturating_sub(MAX_SAVED_LINES);
        Snapshot {
            session: session.to_owned(),
            open: state.open,
            lines: state.lines[skip..].to_vec(),
            case: match &state.sheet {
                Sheet::Sent(receipt) => Some(receipt.clone()),
                _ => None,
            },
            outbox,
            last_event: state.last_event,
        }
    }

    /// The text stored.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let flag = |b: bool| if b { "1" } else { "0" };
        record(
            &mut out,
            &[
                TAG,
                &self.session,
                flag(self.open),
                flag(self.outbox.is_some()),
                flag(self.case.is_some()),
            ],
        );
        for line in &self.lines {
            match line {
                Line::Shopper(text) => record(&mut out, &["s", text]),
                Line::Bot(bot) => record(&mut out, &["b", &bot_code(*bot)]),
                Line::Answer {
                    entry_id,
                    question,
                    answer,
                    vote,
                } => {
                    let vote = vote.map_or("", flag);
                    record(&mut out, &["a", entry_id, question, answer, vote]);
                }
                Line::Suggestions(questions) => {
                    let mut fields = vec!["q"];
                    fields.extend(questions.iter().map(String::as_str));
                    record(&mut out, &fields);
                }
                Line::Agent(text) => record(&mut out, &["g", text]),
                Line::Order(number) => record(&mut out, &["o", number]),
            }
        }
        if let Some(case) = &self.case {
            let (position, last_event) = (
                kefu_api::decimal(case.position.into()),
                kefu_api::decimal(self.last_event),
            );
            record(
                &mut out,
                &[
                    "c",
                    &case.case_id,
                    &case.access_token,
                    &position,
                    &last_event,
                    case.opens_at.as_deref().unwrap_or(""),
                ],
            );
        }
        if let Some(outbox) = &self.outbox {
            record(&mut out, &["x", &outbox.key, &outbox.body]);
        }
        out
    }

    /// The snapshot in `text`; `None` when it is not one (another version, damaged, empty).
    /// Unknown records are skipped, so a newer widget's extra records do not lose the rest.
    pub fn decode(text: &str) -> Option<Snapshot> {
        let mut records = text
            .split(RECORD)
            .map(|r| r.split(FIELD).collect::<Vec<_>>());
        let head = records.next()?;
        let [TAG, session, open, _pending, _case] = head[..] else {
            return None;
        };
        let mut snapshot = Snapshot {
            session: session.to_owned(),
            open: open == "1",
            lines: Vec::new(),
            case: None,
            outbox: None,
            last_event: 0,
        };
        for fields in records {
            match fields[..] {
                ["s", text] => snapshot.lines.push(Line::Shopper(text.to_owned())),
                ["b", code] => snapshot.lines.extend(bot_line(code).map(Line::Bot)),
                ["a", entry_id, question, answer, vote] => snapshot.lines.push(Line::Answer {
                    entry_id: entry_id.to_owned(),
                    question: question.to_owned(),
                    answer: answer.to_owned(),
                    vote: match vote {
                        "1" => Some(true),
                        "0" => Some(false),
                        _ => None,
                    },
                }),
                ["q", ref questions @ ..] => snapshot.lines.push(Line::Suggestions(
                    questions.iter().map(|q| (*q).to_owned()).collect(),
                )),
                ["g", text] => snapshot.lines.push(Line::Agent(text.to_owned())),
                ["o", number] => snapshot.lines.push(Line::Order(number.to_owned())),
                ["c", case_id, access_token, position, last_event, opens_at] => {
                    snapshot.case = Some(EscalationReceipt {
                        case_id: case_id.to_owned(),
                        access_token: access_token.to_owned(),
                        position: position.parse().unwrap_or(0),
                        opens_at: (!opens_at.is_empty()).then(|| opens_at.to_owned()),
                    });
                    snapshot.last_event = last_event.parse().unwrap_or(0);
                }
                ["x", key, body] => {
                    snapshot.outbox = Some(Outbox {
                        key: key.to_owned(),
                        body: body.to_owned(),
                    })
                }
                _ => {}
            }
        }
        (!snapshot.session.is_empty()).then_some(snapshot)
    }
}

/// Appends one record; separators inside a field become spaces.
fn record(out: &mut String, fields: &[&str]) {
    if !out.is_empty() {
        out.push(RECORD);
    }
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(FIELD);
        }
        out.extend(
            field
                .chars()
                .map(|c| if c == RECORD || c == FIELD { ' ' } else { c }),
        );
    }
}

const REASONS: [EscalationReason; 5] = [
    EscalationReason::Button,
    EscalationReason::Keyword,
    EscalationReason::LowConfidence,
    EscalationReason::Repeat,
    EscalationReason::Anger,
];

fn bot_code(line: BotLine) -> String {
    match line {
        BotLine::Greeting => "greeting".into(),
        BotLine::NotSure => "not_sure".into(),
        BotLine::HandingOver => "handing_over".into(),
        BotLine::Resolved => "resolved".into(),
        BotLine::NotDelivered => "not_delivered".into(),
        BotLine::OfferHuman(reason) => ["offer:", reason.as_str()].concat(),
    }
}

fn bot_line(code: &str) -> Option<BotLine> {
    Some(match code {
        "greeting" => BotLine::Greeting,
        "not_sure" => BotLine::NotSure,
        "handing_over" => BotLine::HandingOver,
        "resolved" => BotLine::Resolved,
        "not_delivered" => BotLine::NotDelivered,
        _ => {
            let reason = code.strip_prefix("offer:")?;
            BotLine::OfferHuman(REASONS.into_iter().find(|r| r.as_str() == reason)?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_api::Locale;

    fn sample() -> Snapshot {
        Snapshot {
            session: "s1".into(),
            open: true,
            lines: vec![
                Line::Bot(BotLine::Greeting),
                Line::Shopper("退货\u{1e}要几天\u{1f}？".into()),
                Line::Answer {
                    entry_id: "refund_time".into(),
                    question: "退款多久到账？".into(),
                    answer: "- 3 天\n- **原路退回**".into(),
                    vote: Some(false),
                },
                Line::Bot(BotLine::OfferHuman(EscalationReason::LowConfidence)),
                Line::Suggestions(vec!["a".into(), "b".into()]),
                Line::Shopper(String::new()),
                Line::Agent("您好，已为您补发".into()),
                Line::Order("DD20261118-4471".into()),
                Line::Order(String::new()),
                Line::Bot(BotLine::NotDelivered),
                Line::Bot(BotLine::Resolved),
            ],
            case: Some(EscalationReceipt {
                case_id: "K-1042".into(),
                access_token: "tok".into(),
                position: 3,
                opens_at: Some("09:00".into()),
            }),
            outbox: Some(Outbox {
                key: "k".repeat(32),
                body: r#"{"message":"a\nb"}"#.into(),
            }),
            last_event: 7,
        }
    }

    #[test]
    fn a_snapshot_reads_back_as_it_was_with_separators_in_text_made_spaces() {
        let saved = sample();
        let read = Snapshot::decode(&saved.encode()).expect("decodes");
        assert_eq!(read.lines[1], Line::Shopper("退货 要几天 ？".into()));
        let mut expected = saved;
        expected.lines[1] = read.lines[1].clone();
        assert_eq!(read, expected);
    }

    #[test]
    fn the_loader_reads_the_pending_flag_from_the_first_record() {
        let text = sample().encode();
        let head: Vec<&str> = text.split(RECORD).next().unwrap().split(FIELD).collect();
        assert_eq!(head, ["kefu1", "s1", "1", "1", "1"]);
    }

    #[test]
    fn damaged_or_foreign_text_is_no_snapshot_and_unknown_records_are_skipped() {
        for bad in [
            "",
            "hello",
            "kefu2\u{1f}s\u{1f}1\u{1f}0\u{1f}0",
            "kefu1\u{1f}\u{1f}1\u{1f}0\u{1f}0",
            "kefu1\u{1f}s\u{1f}1\u{1f}0",
        ] {
            assert_eq!(Snapshot::decode(bad), None, "{bad:?}");
        }
        let text =
            "kefu1\u{1f}s\u{1f}0\u{1f}0\u{1f}0\u{1e}z\u{1f}future\u{1e}s\u{1f}hi\u{1e}b\u{1f}offer:nope";
        let read = Snapshot::decode(text).unwrap();
        assert_eq!(read.lines, vec![Line::Shopper("hi".into())]);
        assert!(!read.open);
    }

    #[test]
    fn only_the_newest_lines_are_kept_and_a_sent_case_is_saved() {
        let mut state = State::new(Locale::En, true);
        for i in 0..(MAX_SAVED_LINES + 20) {
            state.lines.push(Line::Shopper(i.to_string()));
        }
        state.sheet = Sheet::Sent(EscalationReceipt {
            case_id: "K-1".into(),
            access_token: "t".into(),
            position: 0,
            opens_at: None,
        });
        let snapshot = Snapshot::of(&state, "s", None);
        assert_eq!(snapshot.lines.len(), MAX_SAVED_LINES);
        assert_eq!(snapshot.lines.last(), Some(&Line::Shopper("119".into())));
        assert_eq!(snapshot.case.unwrap().case_id, "K-1");
    }
}
