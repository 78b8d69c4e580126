//! The shopper's follow-ups after a hand-off (`POST /api/v1/escalations/{id}/messages`), on a listening server with a hand-set clock.

mod common;

use axum::body::Bytes;
use axum::http::{header, Request, StatusCode};
use common::{Reply, TestServer};
use http_body_util::Full;
use kefu_api::events::{Author, CaseEvent, CaseEventKind, CaseEvents};
use kefu_api::limits::MAX_BODY_BYTES;
use kefu_api::{CaseStatus, EscalationReceipt};
use kefu_server::limits::{FOLLOWUPS_PER_CASE, FOLLOWUPS_WINDOW_MS};
use serde_json::{json, Value};
use std::sync::Arc;

const AGENT: &str = "test-agent-token";

/// A server on a fresh database in `dir`, with the agents' API open.
async fn server_in(dir: Arc<tempfile::TempDir>) -> TestServer {
    common::start(dir, &["--agent-token", AGENT], |_| {}).await
}

async fn server() -> TestServer {
    server_in(Arc::new(tempfile::tempdir().unwrap())).await
}

/// `POST` of `body` to `path` with an optional content type and bearer token.
async fn post(
    s: &TestServer,
    path: &str,
    content_type: Option<&str>,
    token: Option<&str>,
    body: impl Into<Bytes>,
) -> Reply {
    let mut request = Request::post(format!("{}{path}", s.base));
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    s.send(request.body(Full::new(body.into())).unwrap()).await
}

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> Reply {
    let mut request = Request::get(format!("{}{path}", s.base));
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    s.send(request.body(Full::default()).unwrap()).await
}

async fn new_case(s: &TestServer, key: &str) -> EscalationReceipt {
    let body = json!({"session": "sess-1", "locale": "zh-CN", "message": "快递到哪了"});
    s.escalate(key, body).await
}

fn messages_path(case_id: &str) -> String {
    format!("/api/v1/escalations/{case_id}/messages")
}

/// A follow-up with `text` as the shopper of `receipt`.
async fn say(s: &TestServer, receipt: &EscalationReceipt, text: &str) -> Reply {
    say_raw(s, receipt, json!({ "text": text }).to_string()).await
}

/// A follow-up with `body` as it is, as the shopper of `receipt`.
async fn say_raw(s: &TestServer, receipt: &EscalationReceipt, body: impl Into<Bytes>) -> Reply {
    post(
        s,
        &messages_path(&receipt.case_id),
        Some("application/json"),
        Some(&receipt.access_token),
        body,
    )
    .await
}

async fn agent_reply(s: &TestServer, case_id: &str, text: &str) -> CaseEvent {
    let reply = post(
        s,
        &format!("/api/v1/agent/cases/{case_id}/replies"),
        Some("application/json"),
        Some(AGENT),
        json!({ "text": text }).to_string(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    reply.json()
}

/// The shopper's read of every event of their case.
async fn events(s: &TestServer, receipt: &EscalationReceipt) -> CaseEvents {
    let path = format!("/api/v1/escalations/{}/events", receipt.case_id);
    let reply = get(s, &path, Some(&receipt.access_token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()
}

/// A follow-up that must be stored.
async fn said(s: &TestServer, receipt: &EscalationReceipt, text: &str) -> CaseEvent {
    let reply = say(s, receipt, text).await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

#[tokio::test]
async fn follow_ups_join_the_agents_replies_in_order_with_their_authors() {
    let s = server().await;
    let receipt = new_case(&s, "key-follow-01").await;
    let other = new_case(&s, "key-follow-02").await;

    let first = said(&s, &receipt, "还在吗？").await;
    assert_eq!(
        (first.kind, first.from, first.text.as_str()),
        (CaseEventKind::ShopperMessage, Author::Shopper, "还在吗？")
    );
    assert!(first.at_ms > 0);
    let answer = agent_reply(&s, &receipt.case_id, "在的，正在查").await;
    assert_eq!(
        (answer.kind, answer.from),
        (CaseEventKind::AgentReply, Author::Agent)
    );
    let second = said(&s, &receipt, "谢谢").await;
    // Another case's shopper writes into their own case only.
    said(&s, &other, "not yours").await;

    let feed = events(&s, &receipt).await;
    assert_eq!(
        feed.events,
        vec![first.clone(), answer.clone(), second.clone()]
    );
    assert!(feed.events.windows(2).all(|w| w[0].id < w[1].id));
    let theirs = events(&s, &other).await.events;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].text, "not yours");

    // The wire shape: the 201 body is the event as the feed shows it.
    let path = format!(
        "/api/v1/escalations/{}/events?after={}",
        receipt.case_id, first.id
    );
    let raw: Value = get(&s, &path, Some(&receipt.access_token)).await.json();
    assert_eq!(
        raw,
        json!({"events": [
            {"id": answer.id, "kind": "agent_reply", "from": "agent", "text": "在的，正在查",
             "at_ms": answer.at_ms},
            {"id": second.id, "kind": "shopper_message", "from": "shopper", "text": "谢谢",
             "at_ms": second.at_ms}
        ], "status": "open"})
    );
    let created = say(&s, &receipt, "one more").await;
    assert_eq!(
        created.headers[header::CONTENT_TYPE],
        "application/json",
        "the event is JSON"
    );
    let created_raw: Value = created.json();
    let created_event: CaseEvent = created.json();
    assert_eq!(
        created_raw,
        json!({"id": created_event.id, "kind": "shopper_message", "from": "shopper",
               "text": "one more", "at_ms": created_event.at_ms})
    );
}

#[tokio::test]
async fn other_shoppers_and_wrong_tokens_get_the_same_404_as_events() {
    let s = server().await;
    let mine = new_case(&s, "key-follow-404a").await;
    let theirs = new_case(&s, "key-follow-404b").await;
    let events_404 = get(
        &s,
        &format!("/api/v1/escalations/{}/events", theirs.case_id),
        Some(&mine.access_token),
    )
    .await;
    assert_eq!(events_404.status, StatusCode::NOT_FOUND);

    let body = json!({"text": "hello?"}).to_string();
    let attempt = |case_id: String, token: String| {
        let s = &s;
        let body = body.clone();
        async move {
            post(
                s,
                &messages_path(&case_id),
                Some("application/json"),
                Some(&token),
                body,
            )
            .await
        }
    };
    let replies = [
        // My token on their case, their token on my case.
        attempt(theirs.case_id.clone(), mine.access_token.clone()).await,
        attempt(mine.case_id.clone(), theirs.access_token.clone()).await,
        // Cases that do not exist, or are not case numbers.
        attempt("K-999".into(), mine.access_token.clone()).await,
        attempt("K-x".into(), mine.access_token.clone()).await,
        // Tokens that are nobody's.
        attempt(mine.case_id.clone(), "zz-not-hex".into()).await,
        attempt(mine.case_id.clone(), "00".repeat(32)).await,
        attempt(mine.case_id.clone(), AGENT.into()).await,
    ];
    for (i, reply) in replies.iter().enumerate() {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "attempt {i}");
        assert_eq!(reply.body, events_404.body, "attempt {i}");
    }
    assert_eq!(events_404.code(), "not_found");
    // A wrong token with a broken body is still the same 404: the token is checked first.
    let broken = post(
        &s,
        &messages_path(&theirs.case_id),
        Some("application/json"),
        Some(&mine.access_token),
        "{not json",
    )
    .await;
    assert_eq!(broken.status, StatusCode::NOT_FOUND);
    assert_eq!(broken.body, events_404.body);
    // No token at all is 401, as for events.
    let anonymous = post(
        &s,
        &messages_path(&mine.case_id),
        Some("application/json"),
        None,
        body.clone(),
    )
    .await;
    assert_eq!(
        (anonymous.status, anonymous.code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );

    assert_eq!(events(&s, &mine).await.events, vec![]);
    assert_eq!(events(&s, &theirs).await.events, vec![]);
}

#[tokio::test]
async fn bad_follow_ups_get_a_json_reason_and_store_nothing() {
    let s = server().await;
    let receipt = new_case(&s, "key-follow-bad").await;
    let path = messages_path(&receipt.case_id);
    let token = Some(receipt.access_token.as_str());

    for text in ["", "  \n\t", &"长".repeat(2_001)] {
        let reply = say(&s, &receipt, text).await;
        let err = reply.error();
        assert_eq!(
            (reply.status, err.error.as_str(), err.field.as_deref()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                Some("text")
            ),
            "{text:?}"
        );
    }
    let cases: [(Option<&str>, Bytes, StatusCode, &str); 6] = [
        (
            Some("application/json"),
            Bytes::from("{not json"),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            Some("application/json"),
            Bytes::from(r#"{"text": 5}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            Some("application/json"),
            Bytes::from(r#"{"message": "hi"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            Some("application/json"),
            Bytes::from(""),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            None,
            Bytes::from(r#"{"text": "hi"}"#),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            Some("application/json"),
            Bytes::from(json!({ "text": "x".repeat(MAX_BODY_BYTES) }).to_string()),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (content_type, body, status, code) in cases {
        let reply = post(&s, &path, content_type, token, body).await;
        assert_eq!((reply.status, reply.code().as_str()), (status, code));
        assert!(!reply.error().message.is_empty());
    }
    assert_eq!(events(&s, &receipt).await.events, vec![]);

    // The longest allowed message is fine, and refused ones did not use up the allowance.
    let longest = said(&s, &receipt, &"长".repeat(2_000)).await;
    assert_eq!(longest.text.chars().count(), 2_000);
}

#[tokio::test]
async fn card_numbers_are_masked_and_markup_stays_text() {
    let s = server().await;
    let receipt = new_case(&s, "key-follow-card").await;
    let event = said(&s, &receipt, "卡号 4111 1111 1111 1111，订单 12345").await;
    let masked = "卡号 **** **** **** 1111，订单 12345";
    assert_eq!(event.text, masked);
    assert_eq!(events(&s, &receipt).await.events[0].text, masked);

    let hostile =
        r#"<script>alert("x")</script><img src=x onerror=alert(1)>'); DROP TABLE case_events; --"#;
    let reply = say(&s, &receipt, hostile).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(reply.json::<CaseEvent>().text, hostile);
    let feed = events(&s, &receipt).await.events;
    assert_eq!(feed.len(), 2);
    assert_eq!(feed[1].text, hostile);
    assert_eq!(feed[1].from, Author::Shopper);
}

#[tokio::test]
async fn a_resolved_case_takes_no_follow_ups() {
    let s = server_in(Arc::new(tempfile::tempdir().unwrap())).await;

    let receipt = new_case(&s, "key-follow-closed").await;
    said(&s, &receipt, "before").await;

    let id: i64 = receipt.case_id.trim_start_matches("K-").parse().unwrap();
    s.state
        .store
        .set_case_status(id, CaseStatus::Resolved, None, common::T0)
        .await
        .unwrap();

    let reply = say(&s, &receipt, "after").await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (StatusCode::CONFLICT, "case_closed")
    );
    // A blank message to a closed case is still a blank message.
    assert_eq!(
        say(&s, &receipt, " ").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let feed = events(&s, &receipt).await;
    let kinds: Vec<_> = feed.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [CaseEventKind::ShopperMessage, CaseEventKind::Resolved]
    );
    assert_eq!(feed.status, CaseStatus::Resolved);
}

#[tokio::test]
async fn the_31st_follow_up_in_ten_minutes_waits() {
    assert_eq!(FOLLOWUPS_PER_CASE, 30);
    assert_eq!(FOLLOWUPS_WINDOW_MS, 10 * 60_000);
    let s = server().await;
    let receipt = new_case(&s, "key-follow-flood").await;
    let other = new_case(&s, "key-follow-calm").await;

    for i in 0..FOLLOWUPS_PER_CASE {
        said(&s, &receipt, &format!("message {i}")).await;
        s.state.clock.advance(1_000);
    }
    // 30 s after the first: it leaves the window in 9 min 30 s.
    let refused = say(&s, &receipt, "one too many").await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert_eq!(refused.retry_after(), Some(570));
    // Refused messages are not stored, and do not count either.
    assert_eq!(
        say(&s, &receipt, "still too many").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let feed = events(&s, &receipt).await.events;
    assert_eq!(feed.len(), FOLLOWUPS_PER_CASE);
    assert!(feed.iter().all(|e| e.text != "one too many"));

    // Other cases have their own allowance, and agents are not limited by it.
    said(&s, &other, "hello").await;
    agent_reply(&s, &receipt.case_id, "请稍等").await;

    // Once the first message is 10 minutes old, one more fits.
    s.state.clock.advance(570_000 - 1);
    assert_eq!(say(&s, &receipt, "not yet").await.retry_after(), Some(1));
    s.state.clock.advance(1);
    said(&s, &receipt, "now").await;
    assert_eq!(
        say(&s, &receipt, "and no more").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn the_conversation_streams_as_server_sent_events_and_resumes() {
    let s = server().await;
    let receipt = new_case(&s, "key-follow-stream").await;
    said(&s, &receipt, "还在吗").await;
    let url = format!("{}/api/v1/escalations/{}/events", s.base, receipt.case_id);
    let bearer = format!("Bearer {}", receipt.access_token);
    let headers = [("accept", "text/event-stream"), ("authorization", &bearer)];
    let mut stream = common::open_stream(&url, &headers).await;
    // What was said before the stream opened comes first, with its id.
    stream.until("还在吗").await;
    assert!(
        stream.seen.contains("event: case_event\n"),
        "{}",
        stream.seen
    );
    assert!(stream.seen.contains("id: 1\n"), "{}", stream.seen);

    // Another case's news is not sent; this case's reply and status are, as they happen.
    let other = s
        .escalate(
            "key-follow-other",
            json!({"session": "s-2", "locale": "en", "message": "hi"}),
        )
        .await;
    agent_reply(&s, &other.case_id, "not for you").await;
    agent_reply(&s, &receipt.case_id, "在的，马上查").await;
    let resolve = format!("/api/v1/agent/cases/{}/resolve", receipt.case_id);
    assert_eq!(
        post(&s, &resolve, None, Some(AGENT), "").await.status,
        StatusCode::OK
    );
    let seen = stream.until("\"kind\":\"resolved\"").await.to_owned();
    assert!(seen.contains("在的，马上查"), "{seen}");
    assert!(!seen.contains("not for you"), "{seen}");

    // A reconnecting EventSource sends Last-Event-ID and gets only what came after it.
    let with_last = [
        ("accept", "text/event-stream"),
        ("authorization", &bearer),
        ("last-event-id", "1"),
    ];
    let mut resumed = common::open_stream(&url, &with_last).await;
    resumed.until("\"kind\":\"resolved\"").await;
    assert!(!resumed.seen.contains("还在吗"), "{}", resumed.seen);
    assert!(resumed.seen.contains("在的，马上查"), "{}", resumed.seen);

    // The stream takes the same token as the JSON feed: another case's token gets 404.
    let wrong = format!("Bearer {}", other.access_token);
    let request = Request::get(&url)
        .header(header::ACCEPT, "text/event-stream")
        .header(header::AUTHORIZATION, wrong)
        .body(Full::default())
        .unwrap();
    assert_eq!(s.send(request).await.status, StatusCode::NOT_FOUND);
}
