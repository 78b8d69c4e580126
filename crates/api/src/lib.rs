//! Kefu wire contract: the serde types and limits shared by the widget and the server.
//!
//! This crate is the only contract between the two sides. Both validate with the same
//! functions ([`NewEscalation::validate`], [`Contact::parse`], [`orders::OrderLookup::validate`])
//! so that the widget can show a clear error before sending and the server enforces exactly the
//! same rules.
//!
//! Design decisions:
//! - JSON field names are `snake_case`; enums travel as lower-case strings.
//! - Optional request fields default when absent, so the widget may omit them
//!   (`serde-wasm-bindgen` turns `None` into `undefined`, which `JSON.stringify` drops).
//! - No IO and no dependencies beyond `serde`: the crate compiles into the wasm widget.

pub mod console;
pub mod events;
pub mod mask;
pub mod orders;
pub mod signals;

use serde::{Deserialize, Serialize};
use std::fmt;

/// Path prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

/// Header carrying the client's idempotency key on `POST /api/v1/escalations`.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// Size limits, enforced by the server and checked by the widget before sending.
pub mod limits {
    /// Largest request body the server reads, in bytes.
    pub const MAX_BODY_BYTES: usize = 256 * 1024;
    /// Longest shopper message, in characters.
    pub const MAX_MESSAGE_CHARS: usize = 2_000;
    /// Longest escalation summary, in characters.
    pub const MAX_SUMMARY_CHARS: usize = 4_000;
    /// Most transcript lines in one escalation.
    pub const MAX_TRANSCRIPT_LINES: usize = 200;
    /// Longest transcript line, in characters.
    pub const MAX_LINE_CHARS: usize = 2_000;
    /// Longest session id, page URL or topic, in characters.
    pub const MAX_SHORT_CHARS: usize = 2_048;
    /// Idempotency keys are 8 to this many characters of `[A-Za-z0-9_-]`.
    pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 128;
}

/// A UI and content language the product speaks.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum Locale {
    /// Simplified Chinese (mainland China).
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// Traditional Chinese (Taiwan, Hong Kong, Macau).
    #[serde(rename = "zh-TW")]
    ZhTw,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Every locale, in the order a language switch shows them.
    pub const ALL: [Locale; 3] = [Locale::ZhCn, Locale::ZhTw, Locale::En];

    /// Picks the locale for a BCP 47 tag such as `zh-Hant-HK`, `zh_TW`, `en-GB` or `zh`.
    ///
    /// Returns `None` for languages the product does not speak.
    ///
    /// ```
    /// use kefu_api::Locale;
    /// assert_eq!(Locale::from_tag("zh-Hant-HK"), Some(Locale::ZhTw));
    /// assert_eq!(Locale::from_tag("ZH"), Some(Locale::ZhCn));
    /// assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
    /// assert_eq!(Locale::from_tag("fr"), None);
    /// ```
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = tag.split('-');
        match parts.next()? {
            "zh" => {
                let traditional = parts.any(|p| matches!(p, "hant" | "tw" | "hk" | "mo"));
                Some(if traditional {
                    Locale::ZhTw
                } else {
                    Locale::ZhCn
                })
            }
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The canonical tag, as sent on the wire and set on `lang` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
            Locale::En => "en",
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the shopper was handed to a person.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// The shopper pressed the "talk to a human" button.
    #[default]
    Button,
    /// The shopper typed a request for a person ("转人工", "agent").
    Keyword,
    /// The matcher was not sure twice in a row.
    LowConfidence,
    /// The shopper asked the same question again.
    Repeat,
    /// The shopper's wording was angry.
    Anger,
}

impl EscalationReason {
    /// The wire name, also used as the database value.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationReason::Button => "button",
            EscalationReason::Keyword => "keyword",
            EscalationReason::LowConfidence => "low_confidence",
            EscalationReason::Repeat => "repeat",
            EscalationReason::Anger => "anger",
        }
    }
}

/// Who said a transcript line.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// The person using the widget.
    Shopper,
    /// The widget's automatic answers.
    Bot,
    /// A human agent.
    Agent,
}

/// One line of the conversation.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct TranscriptLine {
    /// Who said it.
    pub from: Speaker,
    /// What was said, as plain text.
    pub text: String,
}

/// How the shop can reach the shopper; both parts are optional.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct Contact {
    /// An e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A phone number: digits with optional `+`, spaces, dashes and brackets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Contact {
    /// Reads the widget's single contact field: empty, an e-mail address, or a phone number.
    ///
    /// ```
    /// use kefu_api::Contact;
    /// assert_eq!(Contact::parse("  ").unwrap(), None);
    /// assert_eq!(Contact::parse("a@b.cn").unwrap().unwrap().email.as_deref(), Some("a@b.cn"));
    /// assert_eq!(Contact::parse("+86 138-0013-8000").unwrap().unwrap().phone.as_deref(), Some("+86 138-0013-8000"));
    /// assert!(Contact::parse("call me maybe").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Option<Contact>, FieldError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        let contact = if input.contains('@') {
            Contact {
                email: Some(input.to_owned()),
                phone: None,
            }
        } else {
            Contact {
                email: None,
                phone: Some(input.to_owned()),
            }
        };
        contact.validate()?;
        Ok(Some(contact))
    }

    /// Checks both parts; an absent part is fine.
    pub fn validate(&self) -> Result<(), FieldError> {
        if let Some(email) = &self.email {
            if !is_email(email) {
                return Err(FieldError::new("contact.email", Problem::NotAnEmail));
            }
        }
        if let Some(phone) = &self.phone {
            if !is_phone(phone) {
                return Err(FieldError::new("contact.phone", Problem::NotAPhone));
            }
        }
        Ok(())
    }
}

/// Who the shop says the shopper is (`Kefu.identify({name, email, customer_id})` on a page
/// where they are logged in); every part is optional.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct Customer {
    /// The name the shop knows them by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their account's e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The shop's own id for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

impl Customer {
    /// What a page said, made safe to send: parts trimmed and cut to [`limits::MAX_SHORT_CHARS`],
    /// blank parts and an e-mail that is not one dropped (a shop's mistake must not cost the
    /// shopper their hand-off); `None` when nothing is left.
    ///
    /// ```
    /// use kefu_api::Customer;
    /// let c = Customer::from_page(" Ada ", "not-an-email", "C-1").unwrap();
    /// assert_eq!((c.name.as_deref(), c.email, c.customer_id.as_deref()), (Some("Ada"), None, Some("C-1")));
    /// assert_eq!(Customer::from_page("", " ", ""), None);
    /// ```
    pub fn from_page(name: &str, email: &str, customer_id: &str) -> Option<Customer> {
        let part = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| value.chars().take(limits::MAX_SHORT_CHARS).collect())
        };
        let customer = Customer {
            name: part(name),
            email: part(email).filter(|email: &String| is_email(email)),
            customer_id: part(customer_id),
        };
        (customer != Customer::default()).then_some(customer)
    }

    /// Checks every part; an absent part is fine.
    pub fn validate(&self) -> Result<(), FieldError> {
        for (field, value) in [
            ("customer.name", &self.name),
            ("customer.email", &self.email),
            ("customer.customer_id", &self.customer_id),
        ] {
            if let Some(value) = value {
                check_len(field, value, limits::MAX_SHORT_CHARS)?;
            }
        }
        match &self.email {
            Some(email) if !is_email(email) => {
                Err(FieldError::new("customer.email", Problem::NotAnEmail))
            }
            _ => Ok(()),
        }
    }
}

/// Plausible, not RFC-complete: one `@`, something before it, a dotted domain after it.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.chars().count() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// 6 to 20 digits, optionally with `+`, spaces, dashes, dots and brackets between them.
fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
}

/// The body of `POST /api/v1/escalations`: everything a person needs to help without asking again.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct NewEscalation {
    /// The widget session that asks; one shopper's conversation on one browser.
    pub session: String,
    /// The language the shopper used.
    pub locale: Locale,
    /// The page the shopper was on.
    #[serde(default)]
    pub page_url: String,
    /// Why the shopper was handed over.
    #[serde(default)]
    pub reason: EscalationReason,
    /// The topic the widget classified the question under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// What the shopper wrote in the hand-off form.
    pub message: String,
    /// A short, shopper-editable summary of the conversation.
    #[serde(default)]
    pub summary: String,
    /// The conversation so far, oldest first.
    #[serde(default)]
    pub transcript: Vec<TranscriptLine>,
    /// How to reach the shopper, if they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Who the shop's page says the shopper is, if it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// The order the shopper looked up in the widget and asked about, as the lookup showed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<orders::OrderStatus>,
}

impl NewEscalation {
    /// Checks every field against [`limits`]; the first problem found is returned.
    pub fn validate(&self) -> Result<(), FieldError> {
        use limits::*;
        let session = self.session.trim();
        if session.is_empty() {
            return Err(FieldError::new("session", Problem::Empty));
        }
        check_len("session", session, MAX_SHORT_CHARS)?;
        check_len("page_url", &self.page_url, MAX_SHORT_CHARS)?;
        if let Some(topic) = &self.topic {
            check_len("topic", topic, MAX_SHORT_CHARS)?;
        }
        if self.message.trim().is_empty() {
            return Err(FieldError::new("message", Problem::Empty));
        }
        check_len("message", &self.message, MAX_MESSAGE_CHARS)?;
        check_len("summary", &self.summary, MAX_SUMMARY_CHARS)?;
        if self.transcript.len() > MAX_TRANSCRIPT_LINES {
            return Err(FieldError::new(
                "transcript",
                Problem::TooMany {
                    max: MAX_TRANSCRIPT_LINES,
                },
            ));
        }
        for line in &self.transcript {
            check_len("transcript.text", &line.text, MAX_LINE_CHARS)?;
        }
        if let Some(contact) = &self.contact {
            contact.validate()?;
        }
        if let Some(customer) = &self.customer {
            customer.validate()?;
        }
        if let Some(order) = &self.order {
            order.validate()?;
        }
        Ok(())
    }
}

impl NewEscalation {
    /// Masks card-like numbers in every free-text field ([`mask::mask_cards`]); the widget does
    /// it before sending and the server again before storing.
    pub fn mask_cards(&mut self) {
        for text in [&mut self.message, &mut self.summary]
            .into_iter()
            .chain(self.transcript.iter_mut().map(|line| &mut line.text))
        {
            *text = mask::mask_cards(text);
        }
    }

    /// The body as JSON, written by hand: the wasm widget sends it without carrying serde's
    /// serialiser (a test checks that it equals serde's own output).
    ///
    /// The typed `order` is not written: the widget holds an attached order as the JSON object
    /// its lookup answered and passes that text as `order_json`, written as it is (the server
    /// parses and validates it like every other field).
    pub fn to_json(&self, order_json: Option<&str>) -> String {
        let mut out = String::with_capacity(256 + self.message.len() + self.summary.len());
        out.push('{');
        json_field(&mut out, "session", &self.session);
        json_field(&mut out, "locale", self.locale.as_str());
        json_field(&mut out, "page_url", &self.page_url);
        json_field(&mut out, "reason", self.reason.as_str());
        if let Some(topic) = &self.topic {
            json_field(&mut out, "topic", topic);
        }
        json_field(&mut out, "message", &self.message);
        json_field(&mut out, "summary", &self.summary);
        out.push_str("\"transcript\":[");
        for (i, line) in self.transcript.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            let from = match line.from {
                Speaker::Shopper => "shopper",
                Speaker::Bot => "bot",
                Speaker::Agent => "agent",
            };
            json_field(&mut out, "from", from);
            json_field(&mut out, "text", &line.text);
            close_object(&mut out);
        }
        out.push_str("],");
        if let Some(contact) = &self.contact {
            out.push_str("\"contact\":{");
            if let Some(email) = &contact.email {
                json_field(&mut out, "email", email);
            }
            if let Some(phone) = &contact.phone {
                json_field(&mut out, "phone", phone);
            }
            close_object(&mut out);
            out.push(',');
        }
        if let Some(customer) = &self.customer {
            out.push_str("\"customer\":{");
            for (name, value) in [
                ("name", &customer.name),
                ("email", &customer.email),
                ("customer_id", &customer.customer_id),
            ] {
                if let Some(value) = value {
                    json_field(&mut out, name, value);
                }
            }
            close_object(&mut out);
            out.push(',');
        }
        if let Some(order) = order_json {
            out.push_str("\"order\":");
            out.push_str(order);
            out.push(',');
        }
        close_object(&mut out);
        out
    }
}

/// Appends `"name":"value",` with the value escaped as JSON requires.
pub(crate) fn json_field(out: &mut String, name: &str, value: &str) {
    out.push('"');
    out.push_str(name);
    out.push_str("\":\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(u32::from(c) >> 4) as usize]));
                out.push(char::from(HEX[(u32::from(c) & 0xF) as usize]));
            }
            c => out.push(c),
        }
    }
    out.push_str("\",");
}

/// `n` in decimal digits, without `core::fmt` (the widget carries no formatter).
///
/// ```
/// assert_eq!(kefu_api::decimal(0), "0");
/// assert_eq!(kefu_api::decimal(18_446_744_073_709_551_615), "18446744073709551615");
/// ```
pub fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[start..].iter().map(|&d| char::from(d)).collect()
}

/// Replaces a trailing comma with `}`, or adds `}`.
pub(crate) fn close_object(out: &mut String) {
    if out.ends_with(',') {
        out.pop();
    }
    out.push('}');
}

pub(crate) fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.chars().count() > max {
        Err(FieldError::new(field, Problem::TooLong { max }))
    } else {
        Ok(())
    }
}

/// Checks an `Idempotency-Key` header value: 8 to 128 characters of `[A-Za-z0-9_-]`.
///
/// ```
/// assert!(kefu_api::is_valid_idempotency_key("3f2a9c1e-77aa-4b1c"));
/// assert!(!kefu_api::is_valid_idempotency_key("short"));
/// assert!(!kefu_api::is_valid_idempotency_key("has space in it"));
/// ```
pub fn is_valid_idempotency_key(key: &str) -> bool {
    (8..=limits::MAX_IDEMPOTENCY_KEY_CHARS).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What is wrong with one field of a request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Problem {
    /// Required but blank.
    Empty,
    /// Longer than `max` characters.
    TooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// More than `max` items.
    TooMany {
        /// The limit, in items.
        max: usize,
    },
    /// Not an e-mail address.
    NotAnEmail,
    /// Not a phone number.
    NotAPhone,
    /// Neither an e-mail address nor the last 4 digits of a phone number.
    NotAVerifier,
}

/// A validation failure: which field, and what is wrong with it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FieldError {
    /// The field's path in the JSON body, e.g. `contact.email`.
    pub field: &'static str,
    /// What is wrong.
    pub problem: Problem,
}

impl FieldError {
    /// A failure of `field`.
    pub fn new(field: &'static str, problem: Problem) -> Self {
        FieldError { field, problem }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field;
        match self.problem {
            Problem::Empty => write!(f, "{field} must not be empty"),
            Problem::TooLong { max } => write!(f, "{field} is longer than {max} characters"),
            Problem::TooMany { max } => write!(f, "{field} has more than {max} items"),
            Problem::NotAnEmail => write!(f, "{field} is not an e-mail address"),
            Problem::NotAPhone => write!(f, "{field} is not a phone number"),
            Problem::NotAVerifier => write!(
                f,
                "{field} is not an e-mail address or the last 4 digits of a phone number"
            ),
        }
    }
}

impl std::error::Error for FieldError {}

/// The answer to an accepted escalation.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct EscalationReceipt {
    /// The case number shown to the shopper, e.g. `K-1042`.
    pub case_id: String,
    /// Bearer token that lets this shopper read their case; shown to nobody else.
    pub access_token: String,
    /// How many open cases are ahead of this one.
    pub position: u32,
    /// Outside the team's hours: when it opens, `HH:MM` in the shop's time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
}

/// What `POST /api/v1/escalations` answers: the receipt the widget keeps, and when a person is
/// likely to reply (which the widget does not read yet).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct EscalationAnswer {
    /// The receipt.
    #[serde(flatten)]
    pub receipt: EscalationReceipt,
    /// With `opens_at`, when the opening is not today: its date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_on: Option<String>,
    /// About how long until a person replies, in milliseconds: the wait for opening hours plus
    /// the median first reply of the last 7 days; absent without recent replies or hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_reply_ms: Option<i64>,
    /// The shop's phone line, for a shopper who would rather call (the server's `--hotline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotline: Option<String>,
}

/// Where a case stands.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Waiting for or talking with a person.
    Open,
    /// Closed by an agent.
    Resolved,
}

/// A case as the agents' API lists it.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct CaseSummary {
    /// The case number.
    pub case_id: String,
    /// Open or resolved.
    pub status: CaseStatus,
    /// When the case was created, milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// How urgent it is; the queue shows the highest first (0 once resolved).
    #[serde(default)]
    pub urgency: u32,
    /// Why it is urgent: `asked` (the shopper asked for a person), `anger`, `order_value`,
    /// `waiting`.
    #[serde(default)]
    pub urgency_reasons: Vec<String>,
    /// The agent handling it.
    #[serde(default)]
    pub assignee: Option<String>,
    /// Whether the shopper's session is blocked (their messages are held).
    #[serde(default)]
    pub blocked: bool,
    /// When anything last happened on it, milliseconds since the Unix epoch.
    #[serde(default)]
    pub last_activity_ms: i64,
    /// Milliseconds from the hand-off to the first reply of a person, once there was one.
    #[serde(default)]
    pub first_reply_ms: Option<i64>,
    /// The escalation as the widget sent it.
    pub escalation: NewEscalation,
}

/// `GET /api/v1/agent/cases`: cases, most urgent first.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct CaseList {
    /// The cases.
    pub cases: Vec<CaseSummary>,
}

/// `GET /api/v1/escalations/{id}`: what the shopper may see of their own case.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct CaseView {
    /// The case number.
    pub case_id: String,
    /// Open or resolved.
    pub status: CaseStatus,
    /// Open cases ahead of this one (0 when resolved).
    pub position: u32,
}

/// Every error response body: a stable machine-readable code and a sentence for people.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct ApiError {
    /// Stable code, e.g. `invalid_field`, `payload_too_large`.
    pub error: String,
    /// What was wrong, in English, safe to show.
    pub message: String,
    /// The offending field, when one is to blame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A FAQ as shop owners write it (one file per language), and as the benchmark tracks hold it.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct FaqFile {
    /// A name for people.
    #[serde(default)]
    pub name: String,
    /// The language of the entries, e.g. `zh-CN`.
    #[serde(default)]
    pub lang: String,
    /// The entries.
    pub entries: Vec<FaqFileEntry>,
}

/// One entry of a [`FaqFile`].
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct FaqFileEntry {
    /// Stable id, e.g. `refund_time`.
    pub id: String,
    /// The canonical question.
    pub question: String,
    /// Other ways shoppers ask the same thing.
    #[serde(default)]
    pub variants: Vec<String>,
    /// Words or short phrases that point at this entry.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The answer.
    #[serde(default)]
    pub answer: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewEscalation {
        NewEscalation {
            session: "s-1".into(),
            locale: Locale::ZhCn,
            message: "快递到哪了".into(),
            ..NewEscalation::default()
        }
    }

    fn check(edit: impl FnOnce(&mut NewEscalation), expect: &str) {
        let mut e = valid();
        edit(&mut e);
        let got = match e.validate() {
            Ok(()) => "ok".to_owned(),
            Err(err) => err.to_string(),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn validation() {
        check(|_| {}, "ok");
        check(|e| e.session = " ".into(), "session must not be empty");
        check(|e| e.message = "\n\t".into(), "message must not be empty");
        check(
            |e| e.message = "退".repeat(2_001),
            "message is longer than 2000 characters",
        );
        check(|e| e.message = "退".repeat(2_000), "ok");
        check(
            |e| {
                e.transcript = vec![
                    TranscriptLine {
                        from: Speaker::Shopper,
                        text: "hi".into()
                    };
                    201
                ]
            },
            "transcript has more than 200 items",
        );
        check(
            |e| {
                e.contact = Some(Contact {
                    email: Some("no-at-sign".into()),
                    phone: None,
                })
            },
            "contact.email is not an e-mail address",
        );
        check(
            |e| {
                e.contact = Some(Contact {
                    email: None,
                    phone: Some("12".into()),
                })
            },
            "contact.phone is not a phone number",
        );
    }

    #[test]
    fn contact_field() {
        for bad in [
            "a@b",
            "@b.cn",
            "a b@c.cn",
            "a@b@c.cn",
            "12345",
            "138 0013 800x",
        ] {
            assert!(Contact::parse(bad).is_err(), "{bad} should be rejected");
        }
        for good in ["li.lei@example.com", "13800138000", "(02) 2345-6789"] {
            assert!(Contact::parse(good).is_ok(), "{good} should be accepted");
        }
    }

    #[test]
    fn wire_names() {
        let json = serde_json::to_string(&valid()).unwrap();
        assert_eq!(
            json,
            r#"{"session":"s-1","locale":"zh-CN","page_url":"","reason":"button","message":"快递到哪了","summary":"","transcript":[]}"#
        );
        let minimal: NewEscalation =
            serde_json::from_str(r#"{"session":"s","locale":"zh-TW","message":"退貨"}"#).unwrap();
        assert_eq!(minimal.reason, EscalationReason::Button);
        assert_eq!(minimal.locale, Locale::ZhTw);
    }

    #[test]
    fn hand_written_json_equals_serdes() {
        let full = NewEscalation {
            session: "s\"1\\".into(),
            locale: Locale::ZhTw,
            page_url: "https://shop.example/p?a=1&b=\u{2028}".into(),
            reason: EscalationReason::LowConfidence,
            topic: Some("退貨".into()),
            message: "line one\nline two\t\u{1}\u{1f} 😀 </script>".into(),
            summary: "問了運費".into(),
            transcript: vec![
                TranscriptLine {
                    from: Speaker::Shopper,
                    text: "運費？".into(),
                },
                TranscriptLine {
                    from: Speaker::Bot,
                    text: "\r\n".into(),
                },
            ],
            contact: Some(Contact {
                email: Some("a@b.cn".into()),
                phone: Some("+886 2 1234".into()),
            }),
            customer: None,
            order: None,
        };
        let only_email = NewEscalation {
            contact: Some(Contact {
                email: Some("a@b.cn".into()),
                phone: None,
            }),
            ..valid()
        };
        let empty_contact = NewEscalation {
            contact: Some(Contact::default()),
            ..valid()
        };
        let customer = NewEscalation {
            customer: Customer::from_page("王\"小明\"", "xm@example.cn", "C-1001"),
            ..valid()
        };
        let customer_id_only = NewEscalation {
            customer: Customer::from_page("", "", "C-7"),
            ..only_email.clone()
        };
        for e in [
            valid(),
            full,
            only_email,
            empty_contact,
            customer,
            customer_id_only,
        ] {
            let ours: serde_json::Value = serde_json::from_str(&e.to_json(None)).unwrap();
            let serdes: serde_json::Value = serde_json::to_value(&e).unwrap();
            assert_eq!(ours, serdes, "{}", e.to_json(None));
        }
    }

    #[test]
    fn an_attached_order_is_written_as_the_lookup_answered_it() {
        let order = r#"{"order_number":"DD20261118-4471","state":"shipped","updated_at_ms":1,"items":[{"name":"耳机","quantity":1}]}"#;
        let json = valid().to_json(Some(order));
        let parsed: NewEscalation = serde_json::from_str(&json).unwrap();
        let attached = parsed.order.as_ref().unwrap();
        assert_eq!(attached.state, orders::OrderState::Shipped);
        assert_eq!(attached.items[0].name, "耳机");
        assert!(parsed.validate().is_ok());
        assert_eq!(
            NewEscalation {
                order: None,
                ..parsed
            },
            valid()
        );
    }

    #[test]
    fn an_attached_order_is_validated() {
        let order = |number: &str, items: usize| orders::OrderStatus {
            order_number: number.into(),
            state: orders::OrderState::Paid,
            events: vec![],
            carrier: None,
            tracking_number: None,
            estimated_delivery: None,
            updated_at_ms: 0,
            items: vec![
                orders::OrderItem {
                    name: "茶".into(),
                    quantity: 1
                };
                items
            ],
            total_cents: Some(100),
            currency: Some("CNY".into()),
        };
        let with = |o| NewEscalation {
            order: Some(o),
            ..valid()
        };
        assert!(with(order("DD1", 3)).validate().is_ok());
        assert_eq!(
            with(order("--", 0)).validate().unwrap_err().field,
            "order.order_number"
        );
        assert_eq!(
            with(order("DD1", orders::MAX_ORDER_LINES + 1))
                .validate()
                .unwrap_err()
                .field,
            "order.items"
        );
    }

    #[test]
    fn locale_tags() {
        for (tag, want) in [
            ("zh-CN", Some(Locale::ZhCn)),
            ("zh-Hans", Some(Locale::ZhCn)),
            ("zh-SG", Some(Locale::ZhCn)),
            ("zh-TW", Some(Locale::ZhTw)),
            ("zh_HK", Some(Locale::ZhTw)),
            ("zh-Hant", Some(Locale::ZhTw)),
            ("en-US", Some(Locale::En)),
            ("", None),
            ("ja", None),
        ] {
            assert_eq!(Locale::from_tag(tag), want, "{tag}");
        }
    }
}
