//! Two `kefu-server` processes on one PostgreSQL database behave as one: a case handed over to
//! one shows live in the other's console stream, and an agent's reply on one reaches the
//! shopper streaming from the other. Runs when `KEFU_TEST_POSTGRES` names a server (as in
//! `cargo xtask test`); SQLite has no way to tell another process of a change.

mod common;

use axum::http::StatusCode;
use common::{post_json as post, spawn_server};
use serde_json::json;

const TOKEN: &str = "two-servers-agent-token";

#[tokio::test]
async fn two_servers_on_one_postgres_behave_as_one() {
    if std::env::var(common::POSTGRES_ENV).is_err() {
        eprintln!("skipped: set {} to run it", common::POSTGRES_ENV);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = common::database(dir.path()).await;
    let (a, b) = (spawn_server(&url, TOKEN), spawn_server(&url, TOKEN));
    let bearer = format!("Bearer {TOKEN}");
    let agent = [("authorization", bearer.as_str())];
    let mut console_b =
        common::open_stream(&format!("{}/api/v1/agent/stream", b.base), &agent).await;

    // The shopper hands over to server A; server B's console hears of it.
    let receipt = a.escalate("two-servers-1").await;
    let case = &receipt.case_id;
    console_b
        .until(&format!(
            "{{\"case_id\":\"{case}\",\"change\":\"created\"}}"
        ))
        .await;

    // The shopper streams from A; the agent answers on B; A's stream has it at once.
    let shopper = format!("Bearer {}", receipt.access_token);
    let mut shopper_a = common::open_stream(
        &format!("{}/api/v1/escalations/{case}/events", a.base),
        &[("accept", "text/event-stream"), ("authorization", &shopper)],
    )
    .await;
    let replied = post(
        &format!("{}/api/v1/agent/cases/{case}/replies", b.base),
        &agent,
        json!({"text": "好的，这就为您办理"}),
    )
    .await;
    assert_eq!(replied.status, StatusCode::CREATED);
    shopper_a.until("这就为您办理").await;

    // The shopper's follow-up and the resolution on A reach B's console, each once: B hears
    // A's changes, and its own reply only from itself, not a second time through the database.
    let said = post(
        &format!("{}/api/v1/escalations/{case}/messages", a.base),
        &[("authorization", &shopper)],
        json!({"text": "谢谢"}),
    )
    .await;
    assert_eq!(said.status, StatusCode::CREATED);
    let resolved = post(
        &format!("{}/api/v1/agent/cases/{case}/resolve", a.base),
        &agent,
        json!({}),
    )
    .await;
    assert_eq!(resolved.status, StatusCode::OK);
    let message = format!("{{\"case_id\":\"{case}\",\"change\":\"message\"}}");
    let status = format!("{{\"case_id\":\"{case}\",\"change\":\"status\"}}");
    console_b.until(&status).await;
    let seen = console_b.until_count(&message, 2).await;
    assert_eq!(seen.matches(&message).count(), 2, "{seen}");
    assert_eq!(seen.matches(&status).count(), 1, "{seen}");
    shopper_a.until("\"kind\":\"resolved\"").await;
}
