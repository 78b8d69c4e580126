//! The agent console's API on a listening server: signing in (argon2, cookie, CSRF, limits),
//! cases by urgency, the case view, status changes, blocking, the live stream, the published
//! FAQ and its edits, and insights.

mod common;

use axum::body::Bytes;
use axum::http::{header, Method, Request, StatusCode};
use common::{Reply, TestServer};
use http_body_util::Full;
use kefu_api::console::{CaseDetail, FaqEdition, FaqPublished, Insights, SignedIn};
use kefu_api::events::{CaseEventKind, CaseEvents};
use kefu_api::{CaseList, CaseStatus, EscalationReceipt};
use kefu_faq::bundle::Bundle;
use kefu_server::limits::LOGIN_FAILURES_PER_NAME;
use serde_json::{json, Value};
use std::sync::Arc;

const TOKEN: &str = "test-agent-token";

/// A demo server (demo FAQ, demo account) with the agents' token open; agent `li` added.
async fn server() -> TestServer {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = common::start(dir, &["--demo", "--agent-token", TOKEN], |_| {}).await;
    let hash = kefu_server::auth::hash_password("li-password-1").unwrap();
    assert!(s.state.store.add_agent("li", &hash, 0).await.unwrap());
    s
}

/// A console session: its cookie and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn request(
    s: &TestServer,
    method: Method,
    path: &str,
    session: Option<&Session>,
    body: Option<Value>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("{}{path}", s.base))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(session) = session {
        request = request
            .header(header::COOKIE, &session.cookie)
            .header("x-csrf-token", &session.csrf);
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    s.send(request.body(Full::new(Bytes::from(body))).unwrap())
        .await
}

async fn login_reply(s: &TestServer, name: &str, password: &str) -> Reply {
    let body = json!({ "name": name, "password": password });
    request(s, Method::POST, "/api/v1/agent/login", None, Some(body)).await
}

async fn login(s: &TestServer, name: &str, password: &str) -> Session {
    let reply = login_reply(s, name, password).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let set_cookie = reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    let signed_in: SignedIn = reply.json();
    Session {
        cookie: set_cookie.split(';').next().unwrap().to_owned(),
        csrf: signed_in.csrf_token,
    }
}

async fn get(s: &TestServer, path: &str, session: &Session) -> Reply {
    request(s, Method::GET, path, Some(session), None).await
}

async fn post(s: &TestServer, path: &str, session: &Session, body: Value) -> Reply {
    request(s, Method::POST, path, Some(session), Some(body)).await
}

/// The shopper's read of their case's events.
async fn shopper_events(s: &TestServer, receipt: &EscalationReceipt) -> CaseEvents {
    let request = Request::get(format!(
        "{}/api/v1/escalations/{}/events",
        s.base, receipt.case_id
    ))
    .header(
        header::AUTHORIZATION,
        format!("Bearer {}", receipt.access_token),
    )
    .body(Full::default())
    .unwrap();
    s.send(request).await.json()
}

#[tokio::test]
async fn signing_in_sets_an_http_only_cookie_and_wrong_passwords_look_alike() {
    let s = server().await;
    let wrong = login_reply(&s, "li", "not-her-password").await;
    let unknown = login_reply(&s, "nobody", "not-her-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (wrong.status, wrong.body.clone()),
        (unknown.status, unknown.body)
    );
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());

    let reply = login_reply(&s, "li", "li-password-1").await;
    let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("kefu_console="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // The test reaches the server on 127.0.0.1 over HTTP; elsewhere the cookie is Secure.
    assert!(!cookie.contains("Secure"), "{cookie}");

    let session = login(&s, "li", "li-password-1").await;
    let me: SignedIn = get(&s, "/api/v1/agent/me", &session).await.json();
    assert_eq!(
        (me.name.as_str(), me.csrf_token.as_str()),
        ("li", session.csrf.as_str())
    );

    // The stored hash is argon2id, never the password.
    let hash = s
        .state
        .store
        .agent_password_hash("li")
        .await
        .unwrap()
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("li-password-1"));

    let out = post(&s, "/api/v1/agent/logout", &session, json!({})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        get(&s, "/api/v1/agent/cases", &session).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sign_in_failures_are_limited_per_name_and_sessions_expire() {
    let s = server().await;
    for _ in 0..LOGIN_FAILURES_PER_NAME {
        assert_eq!(
            login_reply(&s, "li", "guess-guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = login_reply(&s, "li", "li-password-1").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.retry_after().unwrap() > 0);
    // Another name is not locked out by li's failures.
    login(&s, "demo", "kefu-demo").await;

    s.state.clock.advance(15 * 60_000);
    let session = login(&s, "li", "li-password-1").await;
    assert_eq!(
        get(&s, "/api/v1/agent/cases", &session).await.status,
        StatusCode::OK
    );
    s.state.clock.advance(kefu_server::auth::SESSION_TTL_MS);
    assert_eq!(
        get(&s, "/api/v1/agent/cases", &session).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn changes_need_the_sessions_csrf_token_and_bad_input_is_refused() {
    let s = server().await;
    let receipt = s
        .escalate(
            "case-key-1",
            json!({"session": "s-1", "locale": "zh-CN", "message": "在吗"}),
        )
        .await;
    let session = login(&s, "li", "li-password-1").await;
    let path = format!("/api/v1/agent/cases/{}/replies", receipt.case_id);
    let forged = Session {
        cookie: session.cookie.clone(),
        csrf: "0".repeat(64),
    };
    let reply = post(&s, &path, &forged, json!({"text": "hi"})).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (StatusCode::FORBIDDEN, "csrf")
    );
    // A cookie without any CSRF header is refused too; reading needs none.
    let bare = Request::post(format!("{}{path}", s.base))
        .header(header::COOKIE, &session.cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(r#"{"text":"hi"}"#)))
        .unwrap();
    assert_eq!(s.send(bare).await.status, StatusCode::FORBIDDEN);

    for (body, status) in [
        (json!({"text": ""}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({"text": "x".repeat(2_001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({"txt": "hi"}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let reply = post(&s, &path, &session, body).await;
        assert_eq!(
            reply.status,
            status,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
    }
    for missing in ["/api/v1/agent/cases/K-999", "/api/v1/agent/cases/nonsense"] {
        assert_eq!(
            get(&s, missing, &session).await.status,
            StatusCode::NOT_FOUND
        );
    }
    let unknown = post(
        &s,
        &format!("/api/v1/agent/cases/{}/reassign", receipt.case_id),
        &session,
        json!({"agent": "ghost"}),
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (StatusCode::BAD_REQUEST, "unknown_agent")
    );
    // A shopper's access token opens nothing of the agents' API.
    let shopper = Request::get(format!("{}/api/v1/agent/cases", s.base))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", receipt.access_token),
        )
        .body(Full::default())
        .unwrap();
    assert_eq!(s.send(shopper).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_queue_puts_anger_and_large_orders_first_and_filters() {
    let s = server().await;
    let order = json!({"order_number": "DD20261118-4471", "state": "shipped", "updated_at_ms": 0, "total_cents": 128_000, "currency": "CNY"});
    s.escalate(
        "quiet-case-1",
        json!({"session": "a", "locale": "en", "reason": "low_confidence", "message": "hm"}),
    )
    .await;
    s.escalate("asked-case-1", json!({"session": "b", "locale": "zh-CN", "reason": "button", "topic": "refund", "message": "退款"})).await;
    s.escalate("angry-case-1", json!({"session": "c", "locale": "zh-TW", "reason": "anger", "message": "怎麼還沒到", "order": order})).await;
    let session = login(&s, "li", "li-password-1").await;
    let list: CaseList = get(&s, "/api/v1/agent/cases", &session).await.json();
    let order: Vec<(&str, u32)> = list
        .cases
        .iter()
        .map(|c| (c.case_id.as_str(), c.urgency))
        .collect();
    assert_eq!(order, [("K-3", 60), ("K-2", 30), ("K-1", 0)]);
    assert_eq!(list.cases[0].urgency_reasons, ["anger", "order_value"]);

    let refunds: CaseList = get(&s, "/api/v1/agent/cases?topic=refund", &session)
        .await
        .json();
    assert_eq!(refunds.cases.len(), 1);
    let english: CaseList = get(&s, "/api/v1/agent/cases?locale=en", &session)
        .await
        .json();
    assert_eq!(english.cases[0].case_id, "K-1");
    let bad = get(&s, "/api/v1/agent/cases?status=maybe", &session).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_case_shows_its_events_and_votes_and_resolving_reaches_the_shopper() {
    let s = server().await;
    let xss = "<img src=x onerror=alert(1)>";
    let receipt = s.escalate("case-key-2", json!({"session": "s-2", "locale": "zh-CN", "message": xss, "transcript": [{"from": "shopper", "text": xss}]})).await;
    let vote = Request::post(format!("{}/api/v1/feedback", s.base))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(json!({"session": "s-2", "entry_id": "refund_time", "locale": "zh-CN", "helpful": false}).to_string())))
        .unwrap();
    assert!(s.send(vote).await.status.is_success());
    let session = login(&s, "li", "li-password-1").await;
    let case_path = format!("/api/v1/agent/cases/{}", receipt.case_id);
    let replied = post(
        &s,
        &format!("{case_path}/replies"),
        &session,
        json!({"text": "您好，我来看看"}),
    )
    .await;
    assert_eq!(replied.status, StatusCode::CREATED);
    assert_eq!(
        post(
            &s,
            &format!("{case_path}/reassign"),
            &session,
            json!({"agent": "demo"})
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        post(&s, &format!("{case_path}/resolve"), &session, json!({}))
            .await
            .status,
        StatusCode::OK
    );
    // Resolving twice changes nothing more.
    assert_eq!(
        post(&s, &format!("{case_path}/resolve"), &session, json!({}))
            .await
            .status,
        StatusCode::OK
    );

    let detail: CaseDetail = get(&s, &case_path, &session).await.json();
    // Stored as text; the console renders it inert.
    assert_eq!(detail.case.escalation.message, xss);
    assert_eq!(detail.case.status, CaseStatus::Resolved);
    assert_eq!(detail.case.assignee.as_deref(), Some("demo"));
    assert!(detail.case.first_reply_ms.is_some());
    let kinds: Vec<CaseEventKind> = detail.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            CaseEventKind::AgentReply,
            CaseEventKind::Assigned,
            CaseEventKind::Resolved
        ]
    );
    assert_eq!(detail.events[0].agent.as_deref(), Some("li"));
    assert_eq!(detail.votes.len(), 1);
    assert!(!detail.votes[0].helpful);

    // The shopper sees the reply and the resolution, not who was assigned, and no names.
    let seen = shopper_events(&s, &receipt).await;
    let kinds: Vec<CaseEventKind> = seen.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [CaseEventKind::AgentReply, CaseEventKind::Resolved]);
    assert!(seen.events.iter().all(|e| e.agent.is_none()));
    assert_eq!(seen.status, CaseStatus::Resolved);

    let resolved: CaseList = get(&s, "/api/v1/agent/cases?status=resolved", &session)
        .await
        .json();
    assert_eq!(resolved.cases.len(), 1);
    assert_eq!(
        post(&s, &format!("{case_path}/reopen"), &session, json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let open: CaseList = get(&s, "/api/v1/agent/cases", &session).await.json();
    assert_eq!(open.cases.len(), 1);
}

#[tokio::test]
async fn the_case_view_has_the_matchers_verdicts_on_the_shoppers_lines() {
    let s = server().await;
    let transcript = json!([
        {"from": "shopper", "text": "退款多久能到账"},
        {"from": "bot", "text": "[FAQ: 退款多久到账？] 1-3 个工作日"},
        {"from": "shopper", "text": "给我讲个笑话吧"},
    ]);
    let body =
        json!({"session": "s-m", "locale": "zh-CN", "message": "人工", "transcript": transcript});
    let receipt = s.escalate("case-key-matches", body).await;
    let session = login(&s, "li", "li-password-1").await;
    let case_path = format!("/api/v1/agent/cases/{}", receipt.case_id);
    let detail: CaseDetail = get(&s, &case_path, &session).await.json();
    let matches = detail.matches.expect("the demo FAQ is published");
    assert_eq!(matches.faq_version, 1);
    let lines: Vec<(u32, &str)> = matches
        .lines
        .iter()
        .map(|m| (m.line, m.action.as_str()))
        .collect();
    assert_eq!(lines, [(0, "answer"), (2, "decline")]);
    let answered = &matches.lines[0];
    assert_eq!(answered.entry_id.as_deref(), Some("refund_time"));
    assert_eq!(answered.question.as_deref(), Some("退款多久到账？"));
    assert!(answered.confidence > matches.lines[1].confidence);

    // A language with no published FAQ has no verdicts, and the hand-off still lands.
    let bare = common::start(Arc::new(tempfile::tempdir().unwrap()), &[], |_| {}).await;
    let body = json!({"session": "s-n", "locale": "en", "message": "hi", "transcript": [{"from": "shopper", "text": "refund"}]});
    let receipt = bare.escalate("case-key-bare", body).await;
    let stored = bare.state.store.case_by_id(1).await.unwrap().unwrap();
    assert_eq!(receipt.case_id, "K-1");
    assert_eq!(stored.matches, None);
}

#[tokio::test]
async fn a_blocked_shoppers_messages_are_held_for_agents_only() {
    let s = server().await;
    let receipt = s
        .escalate(
            "case-key-3",
            json!({"session": "rude", "locale": "zh-CN", "message": "你们都是废物"}),
        )
        .await;
    let session = login(&s, "li", "li-password-1").await;
    let case_path = format!("/api/v1/agent/cases/{}", receipt.case_id);
    let blocked = post(&s, &format!("{case_path}/block"), &session, json!({})).await;
    assert_eq!(blocked.status, StatusCode::OK);
    let say = Request::post(format!(
        "{}/api/v1/escalations/{}/messages",
        s.base, receipt.case_id
    ))
    .header(header::CONTENT_TYPE, "application/json")
    .header(
        header::AUTHORIZATION,
        format!("Bearer {}", receipt.access_token),
    )
    .body(Full::new(Bytes::from(r#"{"text":"还是废物"}"#)))
    .unwrap();
    let said = s.send(say).await;
    // The shopper is not told; the message is held.
    assert_eq!(said.status, StatusCode::CREATED);
    assert!(shopper_events(&s, &receipt).await.events.is_empty());
    let detail: CaseDetail = get(&s, &case_path, &session).await.json();
    assert!(detail.case.blocked);
    assert_eq!(detail.events[0].kind, CaseEventKind::HeldMessage);
    assert_eq!(detail.events[0].text, "还是废物");
}

#[tokio::test]
async fn the_live_stream_tells_of_new_cases_and_messages() {
    let s = server().await;
    let session = login(&s, "li", "li-password-1").await;
    let url = format!("{}/api/v1/agent/stream", s.base);
    let mut stream = common::open_stream(&url, &[("cookie", &session.cookie)]).await;
    let receipt = s
        .escalate(
            "case-key-4",
            json!({"session": "s-4", "locale": "en", "message": "hello?"}),
        )
        .await;
    post(
        &s,
        &format!("/api/v1/agent/cases/{}/replies", receipt.case_id),
        &session,
        json!({"text": "Hi!"}),
    )
    .await;
    let seen = stream.until("\"change\":\"message\"").await;
    assert!(
        seen.contains("event: case\ndata: {\"case_id\":\"K-1\",\"change\":\"created\"}"),
        "{seen}"
    );
    // Without a session there is no stream.
    let anonymous = Request::get(format!("{}/api/v1/agent/stream", s.base))
        .body(Full::default())
        .unwrap();
    assert_eq!(s.send(anonymous).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn saving_as_faq_publishes_a_new_version_that_answers_the_question() {
    let s = server().await;
    let session = login(&s, "li", "li-password-1").await;
    let before = s.get("/kefu/faq/zh-CN.kfb").await;
    assert_eq!(before.status, StatusCode::OK);
    let etag = before.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(etag, "\"zh-CN-1\"");
    let cached = Request::get(format!("{}/api/v1/faq/zh-CN", s.base))
        .header(header::IF_NONE_MATCH, &etag)
        .body(Full::default())
        .unwrap();
    assert_eq!(s.send(cached).await.status, StatusCode::NOT_MODIFIED);

    let question = "可以用数字人民币付款吗";
    let new = post(
        &s,
        "/api/v1/agent/faq/zh-CN/entries",
        &session,
        json!({"question": question, "answer": "可以，结账时选择**数字人民币**。"}),
    )
    .await;
    assert_eq!(new.status, StatusCode::CREATED);
    let published: FaqPublished = new.json();
    assert_eq!(
        (published.version, published.entry.id.as_str()),
        (2, "agent-1")
    );
    let variant = post(
        &s,
        "/api/v1/agent/faq/zh-CN/entries/agent-1/variants",
        &session,
        json!({"text": "支持数字人民币吗"}),
    )
    .await;
    assert_eq!(variant.json::<FaqPublished>().version, 3);
    let again = post(
        &s,
        "/api/v1/agent/faq/zh-CN/entries/agent-1/variants",
        &session,
        json!({"text": "支持数字人民币吗"}),
    )
    .await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (StatusCode::CONFLICT, "variant_exists")
    );
    for (path, body) in [
        (
            "/api/v1/agent/faq/zh-CN/entries",
            json!({"question": "", "answer": "a"}),
        ),
        (
            "/api/v1/agent/faq/zh-CN/entries",
            json!({"question": "q", "answer": "a".repeat(4_001)}),
        ),
        (
            "/api/v1/agent/faq/zh-CN/entries/agent-1/variants",
            json!({"text": "  "}),
        ),
    ] {
        assert_eq!(
            post(&s, path, &session, body).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        post(
            &s,
            "/api/v1/agent/faq/fr/entries",
            &session,
            json!({"question": "q", "answer": "a"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(
            &s,
            "/api/v1/agent/faq/zh-CN/entries/nope/variants",
            &session,
            json!({"text": "q"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    let after = s.get("/kefu/faq/zh-CN.kfb").await;
    assert_eq!(after.headers[header::ETAG], "\"zh-CN-3\"");
    assert_eq!(after.headers["kefu-faq-version"], "3");
    let bundle = Bundle::from_bytes(&after.body).unwrap();
    let decision = bundle.matcher.decide("能不能用数字人民币付款");
    assert_eq!(bundle.entries[decision.hits[0].entry].id, "agent-1");
    let edition: FaqEdition = get(&s, "/api/v1/agent/faq/zh-CN", &session).await.json();
    assert_eq!(edition.version, 3);
    assert_eq!(
        edition.entries.last().unwrap().variants,
        ["支持数字人民币吗"]
    );
    // The other locales are untouched.
    let en: FaqEdition = get(&s, "/api/v1/agent/faq/en", &session).await.json();
    assert_eq!(en.version, 1);
}

#[tokio::test]
async fn insights_count_deflection_topics_reasons_replies_and_unanswered_groups() {
    let s = server().await;
    for (i, session) in ["v1", "v2", "v3"].iter().enumerate() {
        let vote = json!({"session": session, "entry_id": "refund_time", "locale": "zh-CN", "helpful": i != 2});
        let request = Request::post(format!("{}/api/v1/feedback", s.base))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(vote.to_string())))
            .unwrap();
        assert!(s.send(request).await.status.is_success());
    }
    let receipt = s.escalate("case-key-5", json!({"session": "v3", "locale": "zh-CN", "reason": "keyword", "topic": "refund_time", "message": "人工"})).await;
    let unanswered = json!({"locale": "zh-CN", "questions": [
        {"text": "可以开增值税发票吗", "confidence": 0.1},
        {"text": "能开增值税发票吗", "confidence": 0.1},
        {"text": "可以開增值稅發票嗎", "confidence": 0.1},
        {"text": "支持花呗吗", "confidence": 0.2}
    ]});
    let request = Request::post(format!("{}/api/v1/unanswered", s.base))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(unanswered.to_string())))
        .unwrap();
    assert!(s.send(request).await.status.is_success());
    let session = login(&s, "li", "li-password-1").await;
    post(
        &s,
        &format!("/api/v1/agent/cases/{}/replies", receipt.case_id),
        &session,
        json!({"text": "好的"}),
    )
    .await;

    let insights: Insights = get(&s, "/api/v1/agent/insights", &session).await.json();
    assert_eq!((insights.conversations, insights.escalated), (3, 1));
    assert!((insights.deflection_rate.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(insights.escalations_by_topic[0].key, "refund_time");
    assert_eq!(insights.escalations_by_reason[0].key, "keyword");
    assert!(insights.median_first_reply_ms.is_some());
    assert_eq!((insights.helpful[0].up, insights.helpful[0].down), (2, 1));
    assert_eq!(insights.unanswered[0].count, 3);
    assert_eq!(insights.unanswered[1].text, "支持花呗吗");
}

#[tokio::test]
async fn the_console_pages_are_served_under_a_strict_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("console")).unwrap();
    std::fs::write(
        dir.path().join("console/index.html"),
        "<!doctype html><title>console</title>",
    )
    .unwrap();
    let assets = dir.path().to_str().unwrap();
    let s = common::start(
        Arc::new(tempfile::tempdir().unwrap()),
        &["--assets", assets],
        |_| {},
    )
    .await;
    let page = s.get("/console/").await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let bare = s.get("/console").await;
    assert_eq!(bare.status, StatusCode::PERMANENT_REDIRECT);
}

#[tokio::test]
async fn metrics_count_requests_by_route_for_agents_only() {
    let s = server().await;
    s.escalate(
        "case-key-6",
        json!({"session": "m", "locale": "en", "message": "hi"}),
    )
    .await;
    let anonymous = s.get("/metrics").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let scrape = Request::get(format!("{}/metrics", s.base))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Full::default())
        .unwrap();
    let reply = s.send(scrape).await;
    assert_eq!(reply.status, StatusCode::OK);
    let text = String::from_utf8(reply.body).unwrap();
    assert!(
        text.contains(
            r#"kefu_http_requests_total{method="POST",route="/api/v1/escalations",status="201"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("kefu_open_cases 1"), "{text}");
    assert!(
        text.contains(r#"kefu_faq_version{locale="zh-CN"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn a_locale_whose_stored_file_is_broken_does_not_stop_the_start_or_the_other_rebuilds() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let first = common::start(dir.clone(), &["--demo"], |_| {}).await;
    let store = first.state.store.clone();
    let mut versions = Vec::new();
    for (locale, source) in [
        (kefu_api::Locale::ZhCn, Some("{\"entries\": [ broken")),
        (kefu_api::Locale::ZhTw, None),
    ] {
        let published = store.published_faq(locale).await.unwrap().unwrap();
        let source = source.unwrap_or(&published.source_json);
        let old = store
            .publish_faq(locale, Some(published.version), source, b"KFB1 old", 1)
            .await
            .unwrap()
            .unwrap();
        versions.push(old);
    }

    let s = common::start(dir, &["--demo"], |_| {}).await;
    let etag = |reply: &common::Reply| reply.headers[header::ETAG].to_str().unwrap().to_owned();
    // zh-CN cannot be rebuilt: it stays as it was, and the server started all the same.
    let cn = s.get("/api/v1/faq/zh-CN").await;
    assert_eq!(cn.status, StatusCode::OK);
    assert_eq!(etag(&cn), format!("\"zh-CN-{}\"", versions[0]));
    assert_eq!(&cn.body[..], b"KFB1 old");
    // zh-TW, after it in the loop, was rebuilt.
    let tw = s.get("/api/v1/faq/zh-TW").await;
    assert_eq!(tw.status, StatusCode::OK);
    assert_eq!(etag(&tw), format!("\"zh-TW-{}\"", versions[1] + 1));
    assert!(Bundle::from_bytes(&tw.body).is_ok());
}

#[tokio::test]
async fn a_bundle_an_older_matcher_built_is_rebuilt_on_start_as_a_new_version() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let first = common::start(dir.clone(), &["--demo"], |_| {}).await;
    let store = first.state.store.clone();
    let published = store
        .published_faq(kefu_api::Locale::ZhCn)
        .await
        .unwrap()
        .unwrap();
    // What an older matcher wrote, in a format this one does not read.
    let old = store
        .publish_faq(
            kefu_api::Locale::ZhCn,
            Some(published.version),
            &published.source_json,
            b"KFB1 an older bundle",
            1,
        )
        .await
        .unwrap();
    assert_eq!(old, Some(published.version + 1));

    let s = common::start(dir, &["--demo"], |_| {}).await;
    let reply = s.get("/api/v1/faq/zh-CN").await;
    assert_eq!(reply.status, StatusCode::OK);
    let etag = format!("\"zh-CN-{}\"", published.version + 2);
    assert_eq!(reply.headers[header::ETAG].to_str().unwrap(), etag);
    let bundle = Bundle::from_bytes(&reply.body).unwrap();
    assert_eq!(bundle.entries.len(), 67);
    let decision = bundle.matcher.decide("退货");
    assert_eq!(bundle.entries[decision.hits[0].entry].id, "return_goods");
}
