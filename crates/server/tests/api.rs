//! The server's HTTP contract, driven through `app(state)` with `oneshot` on a real SQLite file.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use clap::Parser;
use common::{read, Reply};
use kefu_api::events::{CaseEvent, CaseEventKind, CaseEvents};
use kefu_api::{ApiError, CaseList, CaseStatus, CaseView, EscalationReceipt};
use kefu_server::{app, config::Config, AppState};
use serde_json::{json, Value};
use tower::ServiceExt;

const AGENT: &str = "test-agent-token";

struct TestServer {
    app: Router,
    _dir: tempfile::TempDir,
}

async fn server() -> TestServer {
    server_with(&[]).await
}

async fn server_with(extra: &[&str]) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let db = common::database(&dir.path().join("nested")).await;
    let mut args = vec![
        "kefu-server",
        "--database",
        &db,
        "--agent-token",
        AGENT,
        "--assets",
        "/nonexistent",
    ];
    args.extend_from_slice(extra);
    let state = AppState::from_config(Config::parse_from(args))
        .await
        .unwrap();
    TestServer {
        app: app(state),
        _dir: dir,
    }
}

impl TestServer {
    async fn send(&self, request: Request<Body>) -> Reply {
        read(self.app.clone().oneshot(request).await.unwrap()).await
    }

    async fn escalate(&self, key: Option<&str>, body: impl Into<Body>) -> Reply {
        let mut request =
            Request::post("/api/v1/escalations").header(header::CONTENT_TYPE, "application/json");
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        self.send(request.body(body.into()).unwrap()).await
    }

    async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        let mut request = Request::get(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn post_json(&self, uri: &str, body: Value) -> Reply {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    async fn post_json_as(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// An agent's reply to case `case_id` (a case number such as `K-1`).
    async fn agent_reply(&self, case_id: &str, text: &str) -> Reply {
        self.post_json_as(
            &format!("/api/v1/agent/cases/{case_id}/replies"),
            Some(AGENT),
            json!({ "text": text }),
        )
        .await
    }

    /// The shopper's read of their case's events after `after`, which must succeed.
    async fn events(&self, receipt: &EscalationReceipt, after: Option<u64>) -> CaseEvents {
        let query = after.map(|n| format!("?after={n}")).unwrap_or_default();
        let url = format!("/api/v1/escalations/{}/events{query}", receipt.case_id);
        let reply = self.get(&url, Some(&receipt.access_token)).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()
    }

    async fn new_case(&self, key: &str) -> EscalationReceipt {
        let reply = self.escalate(Some(key), escalation("hi")).await;
        assert_eq!(reply.status, StatusCode::CREATED);
        reply.json()
    }

    async fn open_cases(&self) -> CaseList {
        let reply = self.get("/api/v1/agent/cases", Some(AGENT)).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()
    }
}

fn escalation(message: &str) -> String {
    json!({
        "session": "sess-1",
        "locale": "zh-CN",
        "page_url": "http://shop.example/p/1",
        "reason": "button",
        "topic": "shipping",
        "message": message,
        "summary": "问了快递",
        "transcript": [{"from": "shopper", "text": "快递到哪了"}, {"from": "bot", "text": "我不太确定"}],
        "contact": {"email": "li@example.com"}
    })
    .to_string()
}

#[tokio::test]
async fn health_check_answers() {
    let s = server().await;
    let reply = s.get("/healthz", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json::<Value>(), json!({"status": "ok"}));
}

#[tokio::test]
async fn escalation_creates_a_case_the_shopper_and_agents_can_find() {
    let s = server().await;
    let reply = s
        .escalate(Some("key-00000001"), escalation("包裹三天没动了"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let receipt: EscalationReceipt = reply.json();
    assert!(receipt.case_id.starts_with("K-"));
    assert_eq!(receipt.position, 0);

    let view = s
        .get(
            &format!("/api/v1/escalations/{}", receipt.case_id),
            Some(&receipt.access_token),
        )
        .await;
    assert_eq!(view.status, StatusCode::OK);
    assert_eq!(view.json::<CaseView>().case_id, receipt.case_id);

    let list = s.open_cases().await;
    assert_eq!(list.cases.len(), 1);
    let case = &list.cases[0];
    assert_eq!(case.case_id, receipt.case_id);
    assert_eq!(case.escalation.message, "包裹三天没动了");
    assert_eq!(case.escalation.transcript.len(), 2);
    assert_eq!(
        case.escalation.contact.as_ref().unwrap().email.as_deref(),
        Some("li@example.com")
    );

    let second = s
        .escalate(Some("key-00000002"), escalation("还有发票"))
        .await;
    assert_eq!(second.json::<EscalationReceipt>().position, 1);
}

#[tokio::test]
async fn the_same_key_returns_the_same_case_never_two() {
    let s = server().await;
    let first = s.escalate(Some("retry-key-1"), escalation("退货")).await;
    let again = s.escalate(Some("retry-key-1"), escalation("退货")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        first.json::<EscalationReceipt>(),
        again.json::<EscalationReceipt>()
    );
    assert_eq!(s.open_cases().await.cases.len(), 1);

    let reused = s
        .escalate(Some("retry-key-1"), escalation("something else"))
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.code(), "idempotency_key_reused");
    assert_eq!(s.open_cases().await.cases.len(), 1);
}

#[tokio::test]
async fn concurrent_retries_with_one_key_make_one_case() {
    let s = server().await;
    let replies = futures_join(&s, 8).await;
    let ids: std::collections::BTreeSet<String> = replies
        .iter()
        .map(|r| r.json::<EscalationReceipt>().case_id)
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(s.open_cases().await.cases.len(), 1);
}

async fn futures_join(s: &TestServer, n: usize) -> Vec<Reply> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let app = s.app.clone();
        tasks.push(tokio::spawn(async move {
            let t = TestServer {
                app,
                _dir: tempfile::tempdir().unwrap(),
            };
            t.escalate(Some("same-key-for-all"), escalation("同时"))
                .await
        }));
    }
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.unwrap());
    }
    replies
}

#[tokio::test]
async fn bad_requests_get_a_json_reason_and_store_nothing() {
    let s = server().await;
    let cases: &[(Option<&str>, String, StatusCode, &str)] = &[
        (
            None,
            escalation("hi"),
            StatusCode::BAD_REQUEST,
            "missing_idempotency_key",
        ),
        (
            Some("short"),
            escalation("hi"),
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
        ),
        (
            Some("bad key with spaces"),
            escalation("hi"),
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
        ),
        (
            Some("key-bad-json"),
            "{not json".into(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            Some("key-empty-body"),
            String::new(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            Some("key-wrong-type"),
            r#"{"session": 5}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            Some("key-bad-locale"),
            escalation("hi").replace("zh-CN", "fr"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            Some("key-blank-msg"),
            escalation("   "),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            Some("key-long-msg"),
            escalation(&"长".repeat(2_001)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            Some("key-bad-email"),
            escalation("hi").replace("li@example.com", "not-an-email"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            Some("key-bad-customer"),
            escalation("hi").replace(
                r#""contact":"#,
                r#""customer":{"name":"Ada","email":"ada at example"},"contact":"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            Some("key-bad-order"),
            escalation("hi").replace(
                r#""contact":"#,
                r#""order":{"order_number":" - ","state":"shipped","updated_at_ms":0},"contact":"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            Some("key-unknown-order-state"),
            escalation("hi").replace(
                r#""contact":"#,
                r#""order":{"order_number":"DD1","state":"lost","updated_at_ms":0},"contact":"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            Some("key-huge-body"),
            escalation(&"x".repeat(300 * 1024)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (key, body, status, code) in cases {
        let reply = s.escalate(*key, body.clone()).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (*status, *code),
            "{key:?}"
        );
    }

    let no_json = s
        .send(
            Request::post("/api/v1/escalations")
                .header("Idempotency-Key", "key-text-plain")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(escalation("hi")))
                .unwrap(),
        )
        .await;
    assert_eq!(no_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(no_json.code(), "unsupported_media_type");
    assert!(s.open_cases().await.cases.is_empty());
}

#[tokio::test]
async fn hostile_text_is_stored_as_text() {
    let s = server().await;
    let hostile = "<script>alert(1)</script>'); DROP TABLE cases; --";
    let reply = s.escalate(Some("key-hostile-1"), escalation(hostile)).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let list = s.open_cases().await;
    assert_eq!(list.cases[0].escalation.message, hostile);
}

#[tokio::test]
async fn case_view_does_not_tell_unknown_cases_from_wrong_tokens() {
    let s = server().await;
    let receipt: EscalationReceipt = s
        .escalate(Some("key-view-0001"), escalation("hi"))
        .await
        .json();
    let other: EscalationReceipt = s
        .escalate(Some("key-view-0002"), escalation("yo"))
        .await
        .json();
    let url = format!("/api/v1/escalations/{}", receipt.case_id);

    assert_eq!(s.get(&url, None).await.status, StatusCode::UNAUTHORIZED);
    let wrong = s.get(&url, Some(&other.access_token)).await;
    let unknown = s
        .get("/api/v1/escalations/K-999", Some(&other.access_token))
        .await;
    let garbage = s.get(&url, Some("zz-not-hex")).await;
    for reply in [&wrong, &unknown, &garbage] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(reply.body, wrong.body);
    }
}

#[tokio::test]
async fn agents_api_needs_its_token() {
    let s = server().await;
    assert_eq!(
        s.get("/api/v1/agent/cases", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.get("/api/v1/agent/cases", Some("wrong")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.get("/api/v1/agent/cases", Some(AGENT)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn unknown_api_routes_and_methods_answer_json() {
    let s = server().await;
    let missing = s.get("/api/v1/nope", None).await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let method = s
        .send(
            Request::delete("/api/v1/escalations")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(method.code(), "method_not_allowed");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let s = server_with(&["--cors-origin", "https://shop.example"]).await;
    let preflight = |origin: &'static str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/v1/escalations")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "content-type,idempotency-key",
            )
            .body(Body::empty())
            .unwrap()
    };
    let allowed = s.send(preflight("https://shop.example")).await;
    assert_eq!(
        allowed
            .headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        "https://shop.example"
    );
    let denied = s.send(preflight("https://evil.example")).await;
    assert!(denied
        .headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
}

#[tokio::test]
async fn tokens_survive_a_restart_on_the_same_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::database(dir.path()).await;
    let config = || Config::parse_from(["kefu-server", "--database", &db]);
    let first = AppState::from_config(config()).await.unwrap();
    let token = first.access_token(7);
    drop(first);
    let second = AppState::from_config(config()).await.unwrap();
    assert!(second.is_access_token(7, &token));
    assert!(!second.is_access_token(8, &token));
}

#[tokio::test]
async fn other_databases_are_refused_with_a_clear_reason() {
    let err = AppState::from_config(Config::parse_from([
        "kefu-server",
        "--database",
        "mysql://localhost/kefu",
    ]))
    .await
    .err()
    .unwrap();
    let message = err.to_string();
    assert!(message.contains("unsupported database URL"), "{message}");
    assert!(message.contains("postgres://"), "{message}");
}

#[tokio::test]
async fn votes_count_once_per_session_and_entry() {
    let s = server().await;
    for (session, helpful) in [("a", true), ("a", false), ("b", true)] {
        let vote = json!({"session": session, "locale": "zh-TW", "entry_id": "shipping_fee", "helpful": helpful});
        let reply = s.post_json("/api/v1/feedback", vote).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED);
        assert_eq!(reply.json::<Value>(), json!({"accepted": 1}));
    }
    let reply = s
        .post_json(
            "/api/v1/feedback",
            json!({"session": "a", "locale": "en", "entry_id": " ", "helpful": true}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json::<ApiError>().field.as_deref(), Some("entry_id"));
    let reply = s
        .post_json(
            "/api/v1/feedback",
            json!({"session": "a", "entry_id": "x", "helpful": "yes"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn unanswered_questions_are_stored_masked_and_only_agents_read_them() {
    let s = server().await;
    let batch = json!({"locale": "zh-CN", "questions": [
        {"text": "订单 DD20261118-4471 能开专票吗", "closest": "invoice", "confidence": 0.4},
        {"text": "write to li@example.com or 138 0013 8000", "confidence": 7.0},
        {"text": "<script>alert(1)</script>", "confidence": 0.1}
    ]});
    let reply = s.post_json("/api/v1/unanswered", batch).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert_eq!(reply.json::<Value>(), json!({"accepted": 3}));

    assert_eq!(
        s.get("/api/v1/agent/unanswered", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let listed: Value = s.get("/api/v1/agent/unanswered", Some(AGENT)).await.json();
    assert_eq!(
        listed,
        json!([
            {"text": "<script>alert(1)</script>", "confidence": 0.1},
            {"text": "write to [email] or #", "confidence": 1.0},
            {"text": "订单 DD# 能开专票吗", "closest": "invoice", "confidence": 0.4}
        ])
    );
}

#[tokio::test]
async fn unanswered_batches_are_bounded() {
    let s = server().await;
    let too_many: Vec<Value> = (0..51).map(|i| json!({"text": format!("q{i}")})).collect();
    let reply = s
        .post_json(
            "/api/v1/unanswered",
            json!({"locale": "en", "questions": too_many}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = s
        .post_json(
            "/api/v1/unanswered",
            json!({"locale": "en", "questions": []}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let listed: Value = s.get("/api/v1/agent/unanswered", Some(AGENT)).await.json();
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn card_numbers_never_reach_the_database() {
    let s = server().await;
    let mut body: Value =
        serde_json::from_str(&escalation("扣了两次 4111 1111 1111 1111")).unwrap();
    body["transcript"][0]["text"] = json!("card 5500-0000-0000-0004");
    let reply = s.escalate(Some("key-cards-01"), body.to_string()).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let case = &s.open_cases().await.cases[0];
    assert_eq!(case.escalation.message, "扣了两次 **** **** **** 1111");
    assert_eq!(
        case.escalation.transcript[0].text,
        "card ****-****-****-0004"
    );
    // A retry of the same request is still the same case.
    let again = s.escalate(Some("key-cards-01"), body.to_string()).await;
    assert_eq!(again.status, StatusCode::OK);
}

#[tokio::test]
async fn agent_replies_reach_the_shoppers_events_in_order() {
    let s = server().await;
    let receipt = s.new_case("key-events-01").await;
    let other = s.new_case("key-events-02").await;

    let empty = s.events(&receipt, None).await;
    assert_eq!(empty.events, vec![]);
    assert_eq!(empty.status, CaseStatus::Open);

    let mut sent = Vec::new();
    for text in ["您好，已为您查询", "包裹明天到", "还有别的问题吗？"] {
        let reply = s.agent_reply(&receipt.case_id, text).await;
        assert_eq!(reply.status, StatusCode::CREATED);
        let event: CaseEvent = reply.json();
        assert_eq!(
            (event.kind, event.text.as_str()),
            (CaseEventKind::AgentReply, text)
        );
        assert!(event.at_ms > 0);
        sent.push(event);
    }
    // Another case's conversation stays out of this one.
    let elsewhere = s.agent_reply(&other.case_id, "not for you").await;
    assert_eq!(elsewhere.status, StatusCode::CREATED);

    let all = s.events(&receipt, None).await;
    assert_eq!(all.events, sent);
    assert_eq!(all.status, CaseStatus::Open);
    assert!(all.events.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(s.events(&receipt, Some(0)).await.events, sent);
    assert_eq!(s.events(&receipt, Some(sent[0].id)).await.events, sent[1..]);
    assert_eq!(s.events(&receipt, Some(sent[2].id)).await.events, vec![]);
    assert_eq!(s.events(&receipt, Some(u64::MAX)).await.events, vec![]);

    let theirs = s.events(&other, None).await.events;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].text, "not for you");

    // The wire shape the widget reads.
    let raw: Value = s
        .get(
            &format!(
                "/api/v1/escalations/{}/events?after={}",
                receipt.case_id, sent[1].id
            ),
            Some(&receipt.access_token),
        )
        .await
        .json();
    assert_eq!(
        raw,
        json!({"events": [{"id": sent[2].id, "kind": "agent_reply", "from": "agent",
                           "text": "还有别的问题吗？", "at_ms": sent[2].at_ms}], "status": "open"})
    );
}

#[tokio::test]
async fn replies_need_the_agents_token() {
    let s = server().await;
    let receipt = s.new_case("key-reply-auth").await;
    let url = format!("/api/v1/agent/cases/{}/replies", receipt.case_id);
    for token in [None, Some("wrong"), Some(receipt.access_token.as_str())] {
        let reply = s.post_json_as(&url, token, json!({"text": "hi"})).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(reply.code(), "unauthorized");
        // Even a broken body is refused for the token first.
        let broken = s.post_json_as(&url, token, json!({"nope": 1})).await;
        assert_eq!(broken.status, StatusCode::UNAUTHORIZED, "{token:?}");
    }
    assert_eq!(s.events(&receipt, None).await.events, vec![]);
}

#[tokio::test]
async fn events_need_the_cases_access_token() {
    let s = server().await;
    let receipt = s.new_case("key-events-auth1").await;
    let other = s.new_case("key-events-auth2").await;
    assert_eq!(
        s.agent_reply(&receipt.case_id, "secret").await.status,
        StatusCode::CREATED
    );
    let url = format!("/api/v1/escalations/{}/events", receipt.case_id);

    let none = s.get(&url, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.code(), "unauthorized");
    let wrong = s.get(&url, Some(&other.access_token)).await;
    let unknown = s
        .get(
            "/api/v1/escalations/K-999/events",
            Some(&other.access_token),
        )
        .await;
    let not_a_number = s
        .get("/api/v1/escalations/K-x/events", Some(&other.access_token))
        .await;
    let garbage = s.get(&url, Some("zz-not-hex")).await;
    let agents = s.get(&url, Some(AGENT)).await;
    for reply in [&wrong, &unknown, &not_a_number, &garbage, &agents] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(reply.body, wrong.body);
    }
    assert_eq!(wrong.code(), "not_found");
}

#[tokio::test]
async fn blank_or_too_long_replies_are_refused_and_store_nothing() {
    let s = server().await;
    let receipt = s.new_case("key-reply-bad").await;
    for text in ["", "  \n\t", &"长".repeat(2_001)] {
        let reply = s.agent_reply(&receipt.case_id, text).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let err: ApiError = reply.json();
        assert_eq!(
            (err.error.as_str(), err.field.as_deref()),
            ("invalid_field", Some("text"))
        );
    }
    let url = format!("/api/v1/agent/cases/{}/replies", receipt.case_id);
    let wrong_type = s.post_json_as(&url, Some(AGENT), json!({"text": 5})).await;
    assert_eq!(
        (wrong_type.status, wrong_type.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
    );
    let no_json = s
        .send(
            Request::post(&url)
                .header(header::AUTHORIZATION, format!("Bearer {AGENT}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(
        (no_json.status, no_json.code().as_str()),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );
    assert_eq!(s.events(&receipt, None).await.events, vec![]);
    // The longest allowed reply is fine.
    let longest = s.agent_reply(&receipt.case_id, &"长".repeat(2_000)).await;
    assert_eq!(longest.status, StatusCode::CREATED);
}

#[tokio::test]
async fn card_numbers_in_replies_are_masked_before_storing() {
    let s = server().await;
    let receipt = s.new_case("key-reply-card").await;
    let reply = s
        .agent_reply(
            &receipt.case_id,
            "您的卡 4111 1111 1111 1111 已退款，订单 12345",
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let masked = "您的卡 **** **** **** 1111 已退款，订单 12345";
    assert_eq!(reply.json::<CaseEvent>().text, masked);
    assert_eq!(s.events(&receipt, None).await.events[0].text, masked);
}

#[tokio::test]
async fn replies_to_unknown_cases_are_not_found() {
    let s = server().await;
    let receipt = s.new_case("key-reply-404").await;
    for case_id in ["K-999", "999", "K-x", "K--1"] {
        let reply = s.agent_reply(case_id, "hello?").await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{case_id}"
        );
    }
    assert_eq!(s.events(&receipt, None).await.events, vec![]);
    // The number alone names the same case as `K-…`.
    let bare = receipt.case_id.trim_start_matches("K-");
    assert_eq!(s.agent_reply(bare, "hi").await.status, StatusCode::CREATED);
    assert_eq!(s.events(&receipt, None).await.events.len(), 1);
}

#[tokio::test]
async fn events_after_must_be_a_number() {
    let s = server().await;
    let receipt = s.new_case("key-events-query").await;
    for query in ["after=abc", "after=-1", "after=", "after=1.5"] {
        let url = format!("/api/v1/escalations/{}/events?{query}", receipt.case_id);
        let reply = s.get(&url, Some(&receipt.access_token)).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}"
        );
    }
    // Other parameters are ignored.
    let url = format!("/api/v1/escalations/{}/events?x=1", receipt.case_id);
    let reply = s.get(&url, Some(&receipt.access_token)).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn events_are_read_a_page_at_a_time() {
    let s = server().await;
    let receipt = s.new_case("key-events-page").await;
    let total = kefu_api::events::MAX_EVENTS_PER_READ as usize + 5;
    for i in 0..total {
        let reply = s.agent_reply(&receipt.case_id, &format!("reply {i}")).await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    let first = s.events(&receipt, None).await.events;
    assert_eq!(first.len(), total - 5);
    assert_eq!(first[0].text, "reply 0");
    let rest = s
        .events(&receipt, Some(first.last().unwrap().id))
        .await
        .events;
    let texts: Vec<String> = rest.into_iter().map(|e| e.text).collect();
    let want: Vec<String> = (total - 5..total).map(|i| format!("reply {i}")).collect();
    assert_eq!(texts, want);
}

/// `HH:MM` of `minutes` after midnight.
fn clock(minutes: i64) -> String {
    let m = minutes.rem_euclid(24 * 60);
    format!("{:02}:{:02}", m / 60, m % 60)
}

#[tokio::test]
async fn outside_business_hours_the_receipt_says_when_people_are_back() {
    let now_minute = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 60)
        .rem_euclid(24 * 60);
    // Open from two to three hours from now (UTC): closed now, whatever the time of day.
    let hours = format!("{}-{}", clock(now_minute + 120), clock(now_minute + 180));
    let closed = server_with(&["--hours", &hours, "--utc-offset", "+00:00"]).await;
    let receipt = closed.new_case("key-closed-hours-1").await;
    assert_eq!(receipt.opens_at, Some(clock(now_minute + 120)));

    // Open around now: no opening time, and without hours the team is always there.
    let hours = format!("{}-{}", clock(now_minute - 60), clock(now_minute + 60));
    let open = server_with(&["--hours", &hours, "--utc-offset", "Z"]).await;
    assert_eq!(open.new_case("key-open-hours-1").await.opens_at, None);
    assert_eq!(
        server().await.new_case("key-no-hours-1").await.opens_at,
        None
    );
}

#[tokio::test]
async fn a_holiday_and_a_closed_weekday_put_the_opening_on_another_date() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let (today, now_minute) = (now / 86_400, (now / 60).rem_euclid(24 * 60));
    let date = |day: i64| {
        // Days since 1970-01-01 as YYYY-MM-DD, by counting (the test's own arithmetic).
        let (mut y, mut d) = (1970, day);
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        while d >= if leap(y) { 366 } else { 365 } {
            d -= if leap(y) { 366 } else { 365 };
            y += 1;
        }
        let lengths = [
            31,
            if leap(y) { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let mut m = 0;
        while d >= lengths[m] {
            d -= lengths[m];
            m += 1;
        }
        format!("{y:04}-{:02}-{:02}", m + 1, d + 1)
    };
    // Open all day except today (a holiday) and tomorrow's weekday (closed): back the day after.
    let weekday_names = ["thu", "fri", "sat", "sun", "mon", "tue", "wed"];
    let tomorrow = format!("{}=closed", weekday_names[((today + 1) % 7) as usize]);
    let s = server_with(&[
        "--hours",
        "00:00-24:00",
        "--holiday",
        &date(today),
        "--weekday-hours",
        &tomorrow,
        "--utc-offset",
        "Z",
        "--hotline",
        "400-820-8820",
    ])
    .await;
    let body = json!({"session": "h", "locale": "en", "message": "hi"}).to_string();
    let answer: kefu_api::EscalationAnswer = s.escalate(Some("key-holiday-1"), body).await.json();
    assert_eq!(answer.receipt.opens_at.as_deref(), Some("00:00"));
    assert_eq!(answer.opens_on, Some(date(today + 2)));
    assert_eq!(answer.hotline.as_deref(), Some("400-820-8820"));
    let wait = answer.expected_reply_ms.unwrap();
    let until = (2 * 24 * 60 - now_minute) * 60_000;
    assert!(
        (until - 60_000..=until).contains(&wait),
        "{wait} vs {until}"
    );
}

#[test]
fn bad_business_hours_stop_the_server_with_a_reason() {
    for (flag, value) in [
        ("--hours", "9-5"),
        ("--hours", "09:00-09:00"),
        ("--utc-offset", "8"),
        ("--weekday-hours", "someday=closed"),
        ("--holiday", "2027-02-30"),
        ("--hotline", "call us"),
        ("--hotline", "12"),
    ] {
        let error = Config::try_parse_from(["kefu-server", flag, value]).unwrap_err();
        assert!(
            error.to_string().contains("expected")
                || error.to_string().contains("same time")
                || error.to_string().contains("not a phone number"),
            "{error}"
        );
    }
}
