//! SQLite storage: one file, WAL journal, migrations applied on open.

use super::{
    CaseStore, Created, OrderVerifiers, StoreError, StoredCase, StoredOrder, VerifierHash,
};
use async_trait::async_trait;
use kefu_api::events::{CaseEvent, CaseEventKind};
use kefu_api::orders::{OrderState, OrderStatus};
use kefu_api::signals::{EntryVotes, Feedback, UnansweredQuestion};
use kefu_api::{CaseStatus, Locale, NewEscalation};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// Cases in an SQLite database file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating the file and its folder if needed) and migrates the database at `url`,
    /// e.g. `sqlite://data/kefu.db` or `sqlite::memory:`.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
            }
        }
        // An in-memory database exists once per connection: keep exactly one.
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

fn status_from(text: &str) -> Result<CaseStatus, StoreError> {
    match text {
        "open" => Ok(CaseStatus::Open),
        "resolved" => Ok(CaseStatus::Resolved),
        other => Err(StoreError::Corrupt(format!("unknown status {other:?}"))),
    }
}

/// The database value of an event kind.
fn kind_as_str(kind: CaseEventKind) -> &'static str {
    match kind {
        CaseEventKind::AgentReply => "agent_reply",
        CaseEventKind::ShopperMessage => "shopper_message",
    }
}

fn kind_from(text: &str) -> Result<CaseEventKind, StoreError> {
    match text {
        "agent_reply" => Ok(CaseEventKind::AgentReply),
        "shopper_message" => Ok(CaseEventKind::ShopperMessage),
        other => Err(StoreError::Corrupt(format!("unknown event kind {other:?}"))),
    }
}

fn event_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<CaseEvent, StoreError> {
    let id: i64 = row.try_get("id")?;
    let kind = kind_from(row.try_get("kind")?)?;
    Ok(CaseEvent {
        id: u64::try_from(id).map_err(|_| StoreError::Corrupt(format!("event id {id}")))?,
        kind,
        // The kind says who writes it, so the author is not stored apart.
        from: kind.author(),
        text: row.try_get("text")?,
        at_ms: row.try_get("created_at_ms")?,
    })
}

fn case_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredCase, StoreError> {
    let json: String = row.try_get("escalation_json")?;
    let escalation: NewEscalation =
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(StoredCase {
        id: row.try_get("id")?,
        status: status_from(row.try_get("status")?)?,
        created_at_ms: row.try_get("created_at_ms")?,
        escalation,
    })
}

fn json_text<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn hash_from(bytes: Option<Vec<u8>>) -> Result<Option<VerifierHash>, StoreError> {
    bytes
        .map(|b| {
            VerifierHash::try_from(b.as_slice())
                .map_err(|_| StoreError::Corrupt(format!("verifier hash of {} bytes", b.len())))
        })
        .transpose()
}

fn order_status_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<OrderStatus, StoreError> {
    let state: &str = row.try_get("state")?;
    Ok(OrderStatus {
        order_number: row.try_get("order_number")?,
        state: OrderState::from_name(state)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown order state {state:?}")))?,
        events: from_json_text(row.try_get("events_json")?)?,
        carrier: row.try_get("carrier")?,
        tracking_number: row.try_get("tracking_number")?,
        estimated_delivery: row.try_get("estimated_delivery")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
        items: from_json_text(row.try_get("items_json")?)?,
        total_cents: row.try_get("total_cents")?,
        currency: row.try_get("currency")?,
    })
}

#[async_trait]
impl CaseStore for SqliteStore {
    async fn create_case(
        &self,
        idempotency_key: &str,
        request_hash: &str,
        escalation: &NewEscalation,
        now_ms: i64,
    ) -> Result<Created, StoreError> {
        let json =
            serde_json::to_string(escalation).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO cases (idempotency_key, request_hash, created_at_ms, session, locale,
                                reason, topic, escalation_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (idempotency_key) DO NOTHING
             RETURNING id",
        )
        .bind(idempotency_key)
        .bind(request_hash)
        .bind(now_ms)
        .bind(&escalation.session)
        .bind(escalation.locale.as_str())
        .bind(escalation.reason.as_str())
        .bind(&escalation.topic)
        .bind(json)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(id) = inserted {
            return Ok(Created::New(id));
        }
        let row = sqlx::query("SELECT id, request_hash FROM cases WHERE idempotency_key = ?")
            .bind(idempotency_key)
            .fetch_one(&self.pool)
            .await?;
        let stored_hash: String = row.try_get("request_hash")?;
        if stored_hash == request_hash {
            Ok(Created::Replayed(row.try_get("id")?))
        } else {
            Ok(Created::KeyReused)
        }
    }

    async fn case_by_id(&self, id: i64) -> Result<Option<StoredCase>, StoreError> {
        sqlx::query("SELECT id, status, created_at_ms, escalation_json FROM cases WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(case_from_row)
            .transpose()
    }

    async fn open_cases(&self, limit: u32) -> Result<Vec<StoredCase>, StoreError> {
        sqlx::query(
            "SELECT id, status, created_at_ms, escalation_json FROM cases
             WHERE status = 'open' ORDER BY id LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(case_from_row)
        .collect()
    }

    async fn open_cases_before(&self, id: i64) -> Result<u32, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE status = 'open' AND id < ?")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn add_case_event(
        &self,
        case_id: i64,
        kind: CaseEventKind,
        text: &str,
        now_ms: i64,
    ) -> Result<Option<CaseEvent>, StoreError> {
        // One statement: the event is added only if the case exists, with no check-then-insert.
        sqlx::query(
            "INSERT INTO case_events (case_id, kind, text, created_at_ms)
             SELECT id, ?, ?, ? FROM cases WHERE id = ?
             RETURNING id, kind, text, created_at_ms",
        )
        .bind(kind_as_str(kind))
        .bind(text)
        .bind(now_ms)
        .bind(case_id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(event_from_row)
        .transpose()
    }

    async fn case_events_after(
        &self,
        case_id: i64,
        after: u64,
        limit: u32,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        sqlx::query(
            "SELECT id, kind, text, created_at_ms FROM case_events
             WHERE case_id = ? AND id > ? ORDER BY id LIMIT ?",
        )
        .bind(case_id)
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(event_from_row)
        .collect()
    }

    async fn record_feedback(&self, vote: &Feedback, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO feedback (session, entry_id, locale, helpful, created_at_ms)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (session, entry_id)
             DO UPDATE SET helpful = excluded.helpful, created_at_ms = excluded.created_at_ms",
        )
        .bind(&vote.session)
        .bind(&vote.entry_id)
        .bind(vote.locale.as_str())
        .bind(vote.helpful)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn entry_votes(&self) -> Result<Vec<EntryVotes>, StoreError> {
        let rows = sqlx::query(
            "SELECT entry_id, SUM(helpful) AS yes, SUM(1 - helpful) AS no
             FROM feedback GROUP BY entry_id ORDER BY COUNT(*) DESC, entry_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let count = |name: &str| -> Result<u32, StoreError> {
                    let n: i64 = row.try_get(name)?;
                    Ok(u32::try_from(n).unwrap_or(u32::MAX))
                };
                Ok(EntryVotes {
                    entry_id: row.try_get("entry_id")?,
                    helpful: count("yes")?,
                    not_helpful: count("no")?,
                })
            })
            .collect()
    }

    async fn record_unanswered(
        &self,
        locale: Locale,
        questions: &[UnansweredQuestion],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for q in questions {
            sqlx::query(
                "INSERT INTO unanswered (locale, text, closest, confidence, created_at_ms)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(locale.as_str())
            .bind(&q.text)
            .bind(&q.closest)
            .bind(f64::from(q.confidence))
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn recent_unanswered(&self, limit: u32) -> Result<Vec<UnansweredQuestion>, StoreError> {
        let rows = sqlx::query(
            "SELECT text, closest, confidence FROM unanswered ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let confidence: f64 = row.try_get("confidence")?;
                Ok(UnansweredQuestion {
                    text: row.try_get("text")?,
                    closest: row.try_get("closest")?,
                    confidence: confidence as f32,
                })
            })
            .collect()
    }

    async fn setting_or_insert(&self, name: &str, make: String) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(make)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE name = ?")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn upsert_order(&self, order: &StoredOrder) -> Result<(), StoreError> {
        let status = &order.status;
        sqlx::query(
            "INSERT INTO orders (number_key, order_number, email_hash, phone_hash, state, carrier,
                                 tracking_number, estimated_delivery, updated_at_ms, total_cents,
                                 currency, items_json, events_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (number_key) DO UPDATE SET
                 order_number = excluded.order_number, email_hash = excluded.email_hash,
                 phone_hash = excluded.phone_hash, state = excluded.state,
                 carrier = excluded.carrier, tracking_number = excluded.tracking_number,
                 estimated_delivery = excluded.estimated_delivery,
                 updated_at_ms = excluded.updated_at_ms, total_cents = excluded.total_cents,
                 currency = excluded.currency, items_json = excluded.items_json,
                 events_json = excluded.events_json",
        )
        .bind(&order.key)
        .bind(&status.order_number)
        .bind(order.verifiers.email_hash.map(Vec::from))
        .bind(order.verifiers.phone_hash.map(Vec::from))
        .bind(status.state.as_str())
        .bind(&status.carrier)
        .bind(&status.tracking_number)
        .bind(&status.estimated_delivery)
        .bind(status.updated_at_ms)
        .bind(status.total_cents)
        .bind(&status.currency)
        .bind(json_text(&status.items)?)
        .bind(json_text(&status.events)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn order_verifiers(&self, key: &str) -> Result<Option<OrderVerifiers>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT email_hash, phone_hash FROM orders WHERE number_key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        Ok(Some(OrderVerifiers {
            email_hash: hash_from(row.try_get("email_hash")?)?,
            phone_hash: hash_from(row.try_get("phone_hash")?)?,
        }))
    }

    async fn order_status(&self, key: &str) -> Result<Option<OrderStatus>, StoreError> {
        sqlx::query(
            "SELECT order_number, state, carrier, tracking_number, estimated_delivery,
                    updated_at_ms, total_cents, currency, items_json, events_json
             FROM orders WHERE number_key = ?",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(order_status_from_row)
        .transpose()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
