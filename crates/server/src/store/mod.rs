//! Case storage behind one trait, so routes never know which database holds the cases (and the
//! server's other records: signals, settings, orders).

mod sqlite;

pub use sqlite::SqliteStore;

use async_trait::async_trait;
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
        now_ms: i64,
    ) -> Result<Created, StoreError>;

    /// One case by id.
    async fn case_by_id(&self, id: i64) -> Result<Option<StoredCase>, StoreError>;

    /// Open cases, oldest first, at most `limit`.
    async fn open_cases(&self, limit: u32) -> Result<Vec<StoredCase>, StoreError>;

    /// How many open cases are older than case `id`.
    async fn open_cases_before(&self, id: i64) -> Result<u32, StoreError>;

    /// Adds an event to case `case_id`; `None` when there is no such case.
    async fn add_case_event(
        &self,
        case_id: i64,
        kind: CaseEventKind,
        text: &str,
        now_ms: i64,
    ) -> Result<Option<CaseEvent>, StoreError>;

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

    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}
