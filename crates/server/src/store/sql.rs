//! SQL storage on SQLite (one file, WAL journal) or PostgreSQL: one set of queries written for
//! both, migrations of each dialect applied on open.

use super::{
    AgentSession, CaseStore, Created, InsightCounts, OrderVerifiers, PublishedFaq, StatusChange,
    StoreError, StoredCase, StoredOrder, VerifierHash,
};
use async_trait::async_trait;
use kefu_api::console::TranscriptMatches;
use kefu_api::events::{CaseEvent, CaseEventKind};
use kefu_api::orders::{OrderState, OrderStatus};
use kefu_api::signals::{EntryVotes, Feedback, UnansweredQuestion};
use kefu_api::{CaseStatus, Locale, NewEscalation};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, Executor, Row};
use std::str::FromStr;

/// Which database a [`SqlStore`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// A file (or `:memory:`) through SQLite.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Dialect {
    /// The dialect of a database URL; `None` for any other kind of database.
    pub fn of(url: &str) -> Option<Dialect> {
        if url.starts_with("sqlite:") {
            Some(Dialect::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Dialect::Postgres)
        } else {
            None
        }
    }
}

/// Connections each server process keeps to PostgreSQL (and to an SQLite file).
const MAX_CONNECTIONS: u32 = 8;

/// SQLite settings of every connection: wait for a writer rather than fail, enforce foreign
/// keys, and write ahead (readers never wait for the writer; `NORMAL` sync is safe with WAL).
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;
    PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

/// Cases in an SQLite file or a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
}

impl SqlStore {
    /// Opens and migrates the database at `url`: `sqlite://data/kefu.db` (the file and its
    /// folder are created if missing), `sqlite::memory:`, or `postgres://user@host/db`.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::of(url).ok_or_else(|| {
            sqlx::Error::Configuration(format!("not an SQLite or PostgreSQL URL: {url:?}").into())
        })?;
        let store = match dialect {
            Dialect::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?;
                if let Some(dir) = options.get_filename().parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
                    }
                }
                let url = if url.contains("mode=") {
                    url.to_owned()
                } else {
                    let joiner = if url.contains('?') { '&' } else { '?' };
                    format!("{url}{joiner}mode=rwc")
                };
                // An in-memory database exists once per connection: keep exactly one.
                let max = if url.contains(":memory:") {
                    1
                } else {
                    MAX_CONNECTIONS
                };
                let pool = AnyPoolOptions::new()
                    .max_connections(max)
                    .after_connect(|conn, _| {
                        Box::pin(async move { conn.execute(SQLITE_PRAGMAS).await.map(drop) })
                    })
                    .connect(&url)
                    .await?;
                sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
                SqlStore { pool, dialect }
            }
            Dialect::Postgres => {
                // A server that cannot reach its database says so within seconds.
                let pool = AnyPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(std::time::Duration::from_secs(10))
                    .connect(url)
                    .await?;
                sqlx::migrate!("./migrations/postgres").run(&pool).await?;
                SqlStore { pool, dialect }
            }
        };
        Ok(store)
    }

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
}

fn status_from(text: &str) -> Result<CaseStatus, StoreError> {
    match text {
        "open" => Ok(CaseStatus::Open),
        "resolved" => Ok(CaseStatus::Resolved),
        other => Err(StoreError::Corrupt(format!("unknown status {other:?}"))),
    }
}

fn kind_from(text: &str) -> Result<CaseEventKind, StoreError> {
    CaseEventKind::from_name(text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown event kind {text:?}")))
}

/// The database value of a case status.
fn status_as_str(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => "open",
        CaseStatus::Resolved => "resolved",
    }
}

/// The columns [`case_from_row`] reads, from `cases` as `c`.
const CASE_COLUMNS: &str = "c.id, c.status, c.created_at_ms, c.escalation_json, c.assignee,
    c.matches_json,
    c.first_reply_at_ms, COALESCE(c.last_activity_ms, c.created_at_ms) AS last_activity_ms,
    (SELECT COUNT(*) FROM blocked_sessions b WHERE b.session = c.session) AS blocked";

/// The columns [`event_from_row`] reads.
const EVENT_COLUMNS: &str = "id, kind, text, created_at_ms, agent";

/// A yes/no column stored as an integer (0 or 1) in both dialects.
fn flag(row: &AnyRow, column: &str) -> Result<bool, StoreError> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn count_from(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn event_from_row(row: &AnyRow) -> Result<CaseEvent, StoreError> {
    let id: i64 = row.try_get("id")?;
    let kind = kind_from(row.try_get("kind")?)?;
    Ok(CaseEvent {
        id: u64::try_from(id).map_err(|_| StoreError::Corrupt(format!("event id {id}")))?,
        kind,
        // The kind says who writes it, so the author is not stored apart.
        from: kind.author(),
        text: row.try_get("text")?,
        at_ms: row.try_get("created_at_ms")?,
        agent: row.try_get("agent")?,
    })
}

/// Adds an event to case `case_id` in `tx`; `None` when there is no such case. One statement:
/// the event is added only if the case exists, with no check-then-insert.
async fn insert_event(
    tx: &mut AnyConnection,
    case_id: i64,
    kind: CaseEventKind,
    text: &str,
    agent: Option<&str>,
    now_ms: i64,
) -> Result<Option<CaseEvent>, StoreError> {
    sqlx::query(&format!(
        "INSERT INTO case_events (case_id, kind, text, created_at_ms, agent)
         SELECT id, $1, $2, $3, $4 FROM cases WHERE id = $5
         RETURNING {EVENT_COLUMNS}"
    ))
    .bind(kind.as_str())
    .bind(text)
    .bind(now_ms)
    .bind(agent)
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?
    .as_ref()
    .map(event_from_row)
    .transpose()
}

fn case_from_row(row: &AnyRow) -> Result<StoredCase, StoreError> {
    let json: String = row.try_get("escalation_json")?;
    let escalation: NewEscalation =
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(StoredCase {
        id: row.try_get("id")?,
        status: status_from(row.try_get("status")?)?,
        created_at_ms: row.try_get("created_at_ms")?,
        escalation,
        assignee: row.try_get("assignee")?,
        first_reply_at_ms: row.try_get("first_reply_at_ms")?,
        last_activity_ms: row.try_get("last_activity_ms")?,
        blocked: flag(row, "blocked")?,
        matches: row
            .try_get::<Option<String>, _>("matches_json")?
            .as_deref()
            .map(from_json_text)
            .transpose()?,
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

fn order_status_from_row(row: &AnyRow) -> Result<OrderStatus, StoreError> {
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
impl CaseStore for SqlStore {
    async fn create_case(
        &self,
        idempotency_key: &str,
        request_hash: &str,
        escalation: &NewEscalation,
        matches: Option<&TranscriptMatches>,
        now_ms: i64,
    ) -> Result<Created, StoreError> {
        let json = json_text(escalation)?;
        let matches = matches.map(json_text).transpose()?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO cases (idempotency_key, request_hash, created_at_ms, session, locale,
                                reason, topic, escalation_json, last_activity_ms, matches_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
        .bind(now_ms)
        .bind(matches)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(id) = inserted {
            return Ok(Created::New(id));
        }
        let row = sqlx::query("SELECT id, request_hash FROM cases WHERE idempotency_key = $1")
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
        sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(case_from_row)
        .transpose()
    }

    async fn cases(
        &self,
        status: Option<CaseStatus>,
        limit: u32,
    ) -> Result<Vec<StoredCase>, StoreError> {
        sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM cases c
             WHERE $1 IS NULL OR c.status = $1 ORDER BY c.id DESC LIMIT $2"
        ))
        .bind(status.map(status_as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(case_from_row)
        .collect()
    }

    async fn open_cases_before(&self, id: i64) -> Result<u32, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE status = 'open' AND id < $1")
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
        agent: Option<&str>,
        now_ms: i64,
    ) -> Result<Option<CaseEvent>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let event = insert_event(&mut tx, case_id, kind, text, agent, now_ms).await?;
        if event.is_some() {
            let replied = kind == CaseEventKind::AgentReply;
            sqlx::query(
                "UPDATE cases SET last_activity_ms = $1,
                     first_reply_at_ms = CASE WHEN $2 THEN COALESCE(first_reply_at_ms, $1)
                                              ELSE first_reply_at_ms END
                 WHERE id = $3",
            )
            .bind(now_ms)
            .bind(replied)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(event)
    }

    async fn set_case_status(
        &self,
        case_id: i64,
        status: CaseStatus,
        agent: Option<&str>,
        now_ms: i64,
    ) -> Result<StatusChange, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE cases SET status = $1, last_activity_ms = $2 WHERE id = $3 AND status <> $4",
        )
        .bind(status_as_str(status))
        .bind(now_ms)
        .bind(case_id)
        .bind(status_as_str(status))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
            return Ok(match exists {
                Some(_) => StatusChange::Unchanged,
                None => StatusChange::NoCase,
            });
        }
        let kind = match status {
            CaseStatus::Open => CaseEventKind::Reopened,
            CaseStatus::Resolved => CaseEventKind::Resolved,
        };
        let event = insert_event(&mut tx, case_id, kind, "", agent, now_ms)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("case {case_id} vanished")))?;
        tx.commit().await?;
        Ok(StatusChange::Changed(event))
    }

    async fn assign_case(
        &self,
        case_id: i64,
        agent: &str,
        now_ms: i64,
    ) -> Result<Option<CaseEvent>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed =
            sqlx::query("UPDATE cases SET assignee = $1, last_activity_ms = $2 WHERE id = $3")
                .bind(agent)
                .bind(now_ms)
                .bind(case_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let event = insert_event(
            &mut tx,
            case_id,
            CaseEventKind::Assigned,
            "",
            Some(agent),
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(event)
    }

    async fn block_session(
        &self,
        session: &str,
        agent: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO blocked_sessions (session, agent, created_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (session) DO NOTHING",
        )
        .bind(session)
        .bind(agent)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn is_session_blocked(&self, session: &str) -> Result<bool, StoreError> {
        let blocks: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM blocked_sessions WHERE session = $1")
                .bind(session)
                .fetch_one(&self.pool)
                .await?;
        Ok(blocks > 0)
    }

    async fn session_votes(&self, session: &str) -> Result<Vec<(String, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT entry_id, helpful FROM feedback WHERE session = $1 ORDER BY created_at_ms",
        )
        .bind(session)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("entry_id")?, flag(row, "helpful")?)))
            .collect()
    }

    async fn add_agent(
        &self,
        name: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let added = sqlx::query(
            "INSERT INTO agents (name, password_hash, created_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(added == 1)
    }

    async fn set_agent_password(
        &self,
        name: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE agents SET password_hash = $1 WHERE name = $2")
            .bind(password_hash)
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // A new password signs the agent out everywhere.
        sqlx::query("DELETE FROM agent_sessions WHERE agent = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn agent_password_hash(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM agents WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn agent_names(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT name FROM agents ORDER BY name")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn add_agent_session(
        &self,
        token_hash: &[u8; 32],
        session: &AgentSession,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO agent_sessions (token_hash, agent, csrf_token, expires_at_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&token_hash[..])
        .bind(&session.agent)
        .bind(&session.csrf_token)
        .bind(expires_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn agent_session(
        &self,
        token_hash: &[u8; 32],
        now_ms: i64,
    ) -> Result<Option<AgentSession>, StoreError> {
        let row = sqlx::query(
            "SELECT agent, csrf_token FROM agent_sessions
             WHERE token_hash = $1 AND expires_at_ms > $2",
        )
        .bind(&token_hash[..])
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(AgentSession {
                agent: row.try_get("agent")?,
                csrf_token: row.try_get("csrf_token")?,
            })
        })
        .transpose()
    }

    async fn end_agent_session(
        &self,
        token_hash: &[u8; 32],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM agent_sessions WHERE token_hash = $1 OR expires_at_ms <= $2")
            .bind(&token_hash[..])
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn published_faq(&self, locale: Locale) -> Result<Option<PublishedFaq>, StoreError> {
        let row = sqlx::query(
            "SELECT version, source_json, bundle, published_at_ms FROM faqs WHERE locale = $1",
        )
        .bind(locale.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(PublishedFaq {
                version: row.try_get("version")?,
                source_json: row.try_get("source_json")?,
                bundle: row.try_get("bundle")?,
                published_at_ms: row.try_get("published_at_ms")?,
            })
        })
        .transpose()
    }

    async fn publish_faq(
        &self,
        locale: Locale,
        current: Option<i64>,
        source_json: &str,
        bundle: &[u8],
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let next = current.unwrap_or(0) + 1;
        // Inserts the first version, or moves `current` to `next`; anything else changes nothing.
        let written = sqlx::query(
            "INSERT INTO faqs (locale, version, source_json, bundle, published_at_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (locale) DO UPDATE SET version = excluded.version,
                 source_json = excluded.source_json, bundle = excluded.bundle,
                 published_at_ms = excluded.published_at_ms
             WHERE faqs.version = $2 - 1",
        )
        .bind(locale.as_str())
        .bind(next)
        .bind(source_json)
        .bind(bundle)
        .bind(now_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok((written == 1).then_some(next))
    }

    async fn insight_counts(&self, since_ms: i64) -> Result<InsightCounts, StoreError> {
        let sessions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT session FROM feedback WHERE created_at_ms >= $1
                                   UNION SELECT session FROM cases WHERE created_at_ms >= $1) AS s",
        )
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?;
        let escalated: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT session) FROM cases WHERE created_at_ms >= $1",
        )
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?;
        let mut counts = InsightCounts {
            sessions: count_from(sessions),
            escalated_sessions: count_from(escalated),
            ..InsightCounts::default()
        };
        for (column, into) in [
            ("COALESCE(topic, '')", &mut counts.by_topic),
            ("reason", &mut counts.by_reason),
        ] {
            let rows = sqlx::query(&format!(
                "SELECT {column} AS k, COUNT(*) AS n FROM cases WHERE created_at_ms >= $1
                 GROUP BY k ORDER BY n DESC, k"
            ))
            .bind(since_ms)
            .fetch_all(&self.pool)
            .await?;
            for row in rows {
                into.push((row.try_get("k")?, count_from(row.try_get("n")?)));
            }
        }
        counts.first_reply_waits_ms = sqlx::query_scalar(
            "SELECT first_reply_at_ms - created_at_ms FROM cases
             WHERE created_at_ms >= $1 AND first_reply_at_ms IS NOT NULL",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(counts)
    }

    async fn case_events_after(
        &self,
        case_id: i64,
        after: u64,
        limit: u32,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM case_events
             WHERE case_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(case_id)
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(event_from_row)
        .collect()
    }

    async fn record_feedback(&self, vote: &Feedback, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO feedback (session, entry_id, locale, helpful, created_at_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (session, entry_id)
             DO UPDATE SET helpful = excluded.helpful, created_at_ms = excluded.created_at_ms",
        )
        .bind(&vote.session)
        .bind(&vote.entry_id)
        .bind(vote.locale.as_str())
        .bind(i64::from(vote.helpful))
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
                 VALUES ($1, $2, $3, $4, $5)",
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
            "SELECT text, closest, confidence FROM unanswered ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
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
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(make)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
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
            sqlx::query("SELECT email_hash, phone_hash FROM orders WHERE number_key = $1")
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
             FROM orders WHERE number_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(order_status_from_row)
        .transpose()
    }

    async fn notify(&self, channel: &str, payload: &str) -> Result<(), StoreError> {
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
