//! Case storage behind one trait, so routes never know which database holds the cases (and the
//! server's other records: signals, settings, orders).

mod sql;

pub use sql::{Dialect, SqlStore};

use async_trait::async_trait;
use kefu_api::console::TranscriptMatches;
use kefu_api::events::{CaseEvent, CaseEventKind};
use kefu_api::orders::OrderStatus;
use kefu_api::signals::{EntryVotes, Feedback, UnansweredQuestion};
use kefu_api::{CaseStatus, Locale, NewEscalation};

/// A verifier hash: HMAC-SHA256 output.
pub type VerifierHash = [u8; 32];

/// A failure of the database, never shown to clients.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database driver failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored row could not be read back.
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

/// A case as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCase {
    /// Numeric id; shoppers see it as `K-{id}`.
    pub id: i64,
    /// Open or resolved.
    pub status: CaseStatus,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// The request as received.
    pub escalation: NewEscalation,
    /// The agent handling it, once someone took it or was given it.
    pub assignee: Option<String>,
    /// When a person first replied, milliseconds since the Unix epoch.
    pub first_reply_at_ms: Option<i64>,
    /// When anything last happened on it (created, a message, a status change).
    pub last_activity_ms: i64,
    /// Whether an agent blocked the shopper's session (their messages are held).
    pub blocked: bool,
    /// What the FAQ matcher made of the transcript's shopper lines when the case arrived.
    pub matches: Option<TranscriptMatches>,
}

/// What [`CaseStore::set_case_status`] did.
#[derive(Clone, Debug, PartialEq)]
pub enum StatusChange {
    /// There is no such case.
    NoCase,
    /// The case already had that status; nothing was written.
    Unchanged,
    /// The status changed; this event records it.
    Changed(CaseEvent),
}

/// A signed-in agent's console session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentSession {
    /// The agent's name.
    pub agent: String,
    /// The token every state-changing request of this session must echo.
    pub csrf_token: String,
}

/// A published FAQ of one locale.
#[derive(Clone, Debug, PartialEq)]
pub struct PublishedFaq {
    /// Starts at 1; each publish adds 1.
    pub version: i64,
    /// The FAQ file (`kefu_api::FaqFile` as JSON) it was built from.
    pub source_json: String,
    /// The bundle widgets load (`kefu_faq::bundle::Bundle::to_bytes`).
    pub bundle: Vec<u8>,
    /// When, milliseconds since the Unix epoch.
    pub published_at_ms: i64,
}

/// Counts behind the insights page, over cases and votes since a time.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct InsightCounts {
    /// Widget sessions the server heard of: ones that voted or handed over.
    pub sessions: u32,
    /// Sessions that handed over at least once.
    pub escalated_sessions: u32,
    /// Cases per topic (`""` for none), most first.
    pub by_topic: Vec<(String, u32)>,
    /// Cases per reason, most first.
    pub by_reason: Vec<(String, u32)>,
    /// For every case a person answered: milliseconds from hand-off to the first reply.
    pub first_reply_waits_ms: Vec<i64>,
}

/// The outcome of [`CaseStore::create_case`].
#[derive(Clone, Debug, PartialEq)]
pub enum Created {
    /// A new case was stored.
    New(i64),
    /// The idempotency key was seen before with the same request: this is that case.
    Replayed(i64),
    /// The idempotency key was seen before with a different request.
    KeyReused,
}

/// The hashed verifiers of one order; `None` where the order has no e-mail or no phone.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OrderVerifiers {
    /// Hash of the normalised e-mail address.
    pub email_hash: Option<VerifierHash>,
    /// Hash of the phone number's last 4 digits.
    pub phone_hash: Option<VerifierHash>,
}

/// An order as stored for lookups.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredOrder {
    /// The normalised order number ([`kefu_api::orders::normalize_order_number`]).
    pub key: String,
    /// What proves a shopper may see it.
    pub verifiers: OrderVerifiers,
    /// What a lookup answers.
    pub status: OrderStatus,
}

/// Where cases live. Implementations must make `create_case` atomic per idempotency key.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores `escalation` under `idempotency_key` unless that key is already taken.
    /// `request_hash` identifies the request body, to tell a retry from a reuse of the key.
    async fn create_case(
        &self,
        idempotency_key: &str,
        request_hash: &str,
        escalation: &NewEscalation,
        matches: Option<&TranscriptMatches>,
        now_ms: i64,
    ) -> Result<Created, StoreError>;

    /// One case by id.
    async fn case_by_id(&self, id: i64) -> Result<Option<StoredCase>, StoreError>;

    /// Cases with `status` (any status for `None`), newest first, at most `limit`.
    async fn cases(
        &self,
        status: Option<CaseStatus>,
        limit: u32,
    ) -> Result<Vec<StoredCase>, StoreError>;

    /// How many open cases are older than case `id`.
    async fn open_cases_before(&self, id: i64) -> Result<u32, StoreError>;

    /// Adds an event to case `case_id`, written by `agent` if an agent wrote it; `None` when
    /// there is no such case. An agent's reply also sets the case's first reply time once.
    async fn add_case_event(
        &self,
        case_id: i64,
        kind: CaseEventKind,
        text: &str,
        agent: Option<&str>,
        now_ms: i64,
    ) -> Result<Option<CaseEvent>, StoreError>;

    /// Resolves or reopens case `case_id`, recording who did it as an event.
    async fn set_case_status(
        &self,
        case_id: i64,
        status: CaseStatus,
        agent: Option<&str>,
        now_ms: i64,
    ) -> Result<StatusChange, StoreError>;

    /// Gives case `case_id` to `agent`; `None` when there is no such case.
    async fn assign_case(
        &self,
        case_id: i64,
        agent: &str,
        now_ms: i64,
    ) -> Result<Option<CaseEvent>, StoreError>;

    /// Holds the further messages of widget session `session` (blocked by `agent`).
    async fn block_session(
        &self,
        session: &str,
        agent: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// Whether widget session `session` is blocked.
    async fn is_session_blocked(&self, session: &str) -> Result<bool, StoreError>;

    /// The "did this help?" votes of widget session `session`: entry id and whether it helped.
    async fn session_votes(&self, session: &str) -> Result<Vec<(String, bool)>, StoreError>;

    /// Adds an agent account; `false` when the name is taken (nothing changes then).
    async fn add_agent(
        &self,
        name: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError>;

    /// Replaces an agent's password hash; `false` when there is no such agent.
    async fn set_agent_password(&self, name: &str, password_hash: &str)
        -> Result<bool, StoreError>;

    /// The password hash of agent `name`.
    async fn agent_password_hash(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// Every agent's name, sorted.
    async fn agent_names(&self) -> Result<Vec<String>, StoreError>;

    /// Starts a console session; `token_hash` is the SHA-256 of the cookie's token.
    async fn add_agent_session(
        &self,
        token_hash: &[u8; 32],
        session: &AgentSession,
        expires_at_ms: i64,
    ) -> Result<(), StoreError>;

    /// The unexpired console session whose token hashes to `token_hash`.
    async fn agent_session(
        &self,
        token_hash: &[u8; 32],
        now_ms: i64,
    ) -> Result<Option<AgentSession>, StoreError>;

    /// Ends a console session (and forgets every expired one).
    async fn end_agent_session(&self, token_hash: &[u8; 32], now_ms: i64)
        -> Result<(), StoreError>;

    /// The published FAQ of `locale`.
    async fn published_faq(&self, locale: Locale) -> Result<Option<PublishedFaq>, StoreError>;

    /// Publishes `source_json` and its `bundle` as the next version of `locale`'s FAQ, if the
    /// current version is still `current` (`None`: none published yet). Returns the new
    /// version, or `None` when someone published in between.
    async fn publish_faq(
        &self,
        locale: Locale,
        current: Option<i64>,
        source_json: &str,
        bundle: &[u8],
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// The counts of the insights page since `since_ms`.
    async fn insight_counts(&self, since_ms: i64) -> Result<InsightCounts, StoreError>;

    /// Events of case `case_id` with ids above `after`, oldest first, at most `limit`.
    async fn case_events_after(
        &self,
        case_id: i64,
        after: u64,
        limit: u32,
    ) -> Result<Vec<CaseEvent>, StoreError>;

    /// Records a vote; a session's later vote on the same entry replaces its earlier one.
    async fn record_feedback(&self, vote: &Feedback, now_ms: i64) -> Result<(), StoreError>;

    /// Votes per FAQ entry, most voted first.
    async fn entry_votes(&self) -> Result<Vec<EntryVotes>, StoreError>;

    /// Records questions the widget could not answer, in one transaction.
    async fn record_unanswered(
        &self,
        locale: Locale,
        questions: &[UnansweredQuestion],
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// The most recent unanswered questions, newest first, at most `limit`.
    async fn recent_unanswered(&self, limit: u32) -> Result<Vec<UnansweredQuestion>, StoreError>;

    /// A server-wide setting, created with `make` on first use and the same ever after.
    async fn setting_or_insert(&self, name: &str, make: String) -> Result<String, StoreError>;

    /// Stores `order`, replacing any order with the same key.
    async fn upsert_order(&self, order: &StoredOrder) -> Result<(), StoreError>;

    /// The hashed verifiers of the order with normalised number `key`.
    async fn order_verifiers(&self, key: &str) -> Result<Option<OrderVerifiers>, StoreError>;

    /// The status of the order with normalised number `key`; read only once a verifier matched.
    async fn order_status(&self, key: &str) -> Result<Option<OrderStatus>, StoreError>;

    /// Sends `payload` on notification channel `channel` to every server listening on this
    /// database (PostgreSQL's `NOTIFY`); where no other server can listen (SQLite), nothing.
    async fn notify(&self, channel: &str, payload: &str) -> Result<(), StoreError>;

    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}
