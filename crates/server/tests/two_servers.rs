//! Two `kefu-server` processes on one PostgreSQL database behave as one: a case handed over to
//! one shows live in the other's console stream, and an agent's reply on one reaches the
//! shopper streaming from the other. Runs when `KEFU_TEST_POSTGRES` names a server (as in
//! `cargo xtask test`); SQLite has no way to tell another process of a change.

mod common;

use axum::http::StatusCode;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const TOKEN: &str = "two-servers-agent-token";

/// A server process, killed when dropped.
struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kefu-server` on a free port with database `url`, and waits until it listens.
fn start(url: &str) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kefu-server"))
        .args(["--bind", "127.0.0.1:0", "--database", url])
        .args(["--agent-token", TOKEN, "--assets", "/nonexistent"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    // Keep reading: a closed pipe would end the server at its next line.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let base = first
        .trim()
        .strip_prefix("kefu-server listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    Process { child, base }
}

async fn post(url: &str, headers: &[(&str, &str)], body: serde_json::Value) -> common::Reply {
    let mut request = axum::http::Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    let body = http_body_util::Full::new(axum::body::Bytes::from(body.to_string()));
    common::read(client.request(request.body(body).unwrap()).await.unwrap()).await
}

#[tokio::test]
async fn two_servers_on_one_postgres_behave_as_one() {
    if std::env::var(common::POSTGRES_ENV).is_err() {
        eprintln!("skipped: set {} to run it", common::POSTGRES_ENV);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = common::database(dir.path()).await;
    let (a, b) = (start(&url), start(&url));
    let bearer = format!("Bearer {TOKEN}");
    let agent = [("authorization", bearer.as_str())];
    let mut console_b =
        common::open_stream(&format!("{}/api/v1/agent/stream", b.base), &agent).await;

    // The shopper hands over to server A; server B's console hears of it.
    let created = post(
        &format!("{}/api/v1/escalations", a.base),
        &[("idempotency-key", "two-servers-1")],
        json!({"session": "s-1", "locale": "zh-CN", "message": "我要退货"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let receipt: kefu_api::EscalationReceipt = created.json();
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
