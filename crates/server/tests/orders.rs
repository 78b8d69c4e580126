//! Order-status lookup over real HTTP: found, uniform not-found, validation, rate limits, the
//! stored verifiers, and an order system behind `--orders-url`.

mod common;

use axum::body::Bytes;
use axum::http::{header, Request, StatusCode};
use clap::Parser;
use common::{server, start, stub_order_system, LOOKUP, T0};
use http_body_util::Full;
use kefu_api::orders::OrderState;
use kefu_server::config::Config;
use kefu_server::orders::{HttpOrders, OrderRecord};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn found_with_the_orders_email() {
    let s = server(&["--demo"]).await;
    let status = s.found("DD20261118-4471", "li.lei@example.com").await;
    assert_eq!(status.order_number, "DD20261118-4471");
    assert_eq!(status.state, OrderState::Shipped);
    assert_eq!(status.carrier.as_deref(), Some("顺丰速运"));
    assert_eq!(status.tracking_number.as_deref(), Some("SF1402837465021"));
    assert_eq!(status.estimated_delivery.as_deref(), Some("2026-11-22"));
    assert_eq!(status.items[0].name, "无线蓝牙耳机 Pro");
    assert_eq!(
        (status.total_cents, status.currency.as_deref()),
        (Some(45800), Some("CNY"))
    );
    let states: Vec<OrderState> = status.events.iter().map(|e| e.state).collect();
    use OrderState::*;
    assert_eq!(states, [Placed, Paid, Shipped, Shipped]);
    assert!(status.events.windows(2).all(|w| w[0].at_ms < w[1].at_ms));
    assert_eq!(status.updated_at_ms, status.events[3].at_ms);
}

#[tokio::test]
async fn found_with_the_phones_last_4_digits() {
    let s = server(&["--demo"]).await;
    for verifier in ["8000", " 80 00 ", "８０００"] {
        let status = s.found("DD20261118-4471", verifier).await;
        assert_eq!(status.order_number, "DD20261118-4471");
    }
    // The whole phone number is not a verifier; the last 4 digits of another order's phone
    // do not open this one.
    assert_eq!(
        s.lookup("DD20261118-4471", "13800138000").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    s.not_found("DD20261118-4471", "5678").await;
}

#[tokio::test]
async fn order_numbers_match_in_any_width_case_and_separators() {
    let s = server(&["--demo"]).await;
    for number in [
        "ＤＤ２０２６１１１８－４４７１",
        "dd 20261118-4471",
        "#DD20261118-4471",
        "＃dd20261118—4471",
        "DD202611184471",
    ] {
        let status = s.found(number, " LI.Lei@Example.COM ").await;
        assert_eq!(status.order_number, "DD20261118-4471", "{number}");
    }
}

#[tokio::test]
async fn a_wrong_verifier_looks_exactly_like_an_unknown_order() {
    let s = server(&["--demo"]).await;
    let wrong_email = s
        .not_found("DD20261118-4471", "han.meimei@example.com")
        .await;
    let wrong_digits = s.not_found("DD20261118-4471", "8001").await;
    let unknown = s.not_found("DD20990101-0000", "li.lei@example.com").await;
    let unknown_digits = s.not_found("DD20990101-0000", "8000").await;
    for other in [&wrong_digits, &unknown, &unknown_digits] {
        assert_eq!(other.status, wrong_email.status);
        assert_eq!(other.body, wrong_email.body, "byte-identical bodies");
        for name in [header::CONTENT_TYPE, header::CONTENT_LENGTH] {
            assert_eq!(other.headers.get(&name), wrong_email.headers.get(&name));
        }
    }
    assert_eq!(
        wrong_email.json::<Value>(),
        json!({
            "error": "order_not_found",
            "message": "no order matches this order number and e-mail or phone digits"
        })
    );
}

#[tokio::test]
async fn malformed_lookups_say_which_field() {
    let s = server(&["--demo"]).await;
    let too_long = "D".repeat(41);
    for (number, verifier, field) in [
        ("", "li.lei@example.com", "order_number"),
        (" - # ", "li.lei@example.com", "order_number"),
        (too_long.as_str(), "li.lei@example.com", "order_number"),
        ("DD20261118-4471", "", "verifier"),
        ("DD20261118-4471", "800", "verifier"),
        ("DD20261118-4471", "li.lei@example", "verifier"),
        ("DD20261118-4471", "li lei", "verifier"),
    ] {
        let reply = s.lookup(number, verifier).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{number:?} {verifier:?}"
        );
        let err = reply.error();
        assert_eq!(err.error, "invalid_field");
        assert_eq!(err.field.as_deref(), Some(field), "{number:?} {verifier:?}");
    }
    // 40 characters after normalisation are fine, however they were written.
    let forty = format!("{}-{}", "1".repeat(20), "2".repeat(20));
    s.not_found(&forty, "li.lei@example.com").await;

    for (content_type, body, status, code) in [
        (
            "application/json",
            "{",
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "application/json",
            r#"{"order_number":"DD1"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "text/plain",
            r#"{"order_number":"DD1","verifier":"1234"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ] {
        let reply = s.post(content_type, body).await;
        assert_eq!(
            (reply.status, reply.error().error.as_str()),
            (status, code),
            "{body}"
        );
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let s = server(&["--demo"]).await;
    let padding = "x".repeat(kefu_api::limits::MAX_BODY_BYTES);
    let body = json!({ "order_number": "DD20261118-4471", "verifier": "8000", "pad": padding });
    let reply = s.post("application/json", body.to_string()).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.error().error, "payload_too_large");
}

#[tokio::test]
async fn failed_tries_are_limited_per_order_number_known_or_not() {
    let s = server(&["--demo"]).await;
    for number in ["DD20261118-4471", "DD20990101-0000"] {
        for i in 0..5 {
            s.not_found(number, &format!("000{i}")).await;
        }
        // Even the right verifier waits now, in any spelling of the number.
        let reply = s.lookup(&number.to_lowercase(), "li.lei@example.com").await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{number}");
        assert_eq!(reply.error().error, "rate_limited");
        assert_eq!(reply.retry_after(), Some(15 * 60));
    }
    // Other orders are not affected, and successful lookups do not count.
    for _ in 0..6 {
        s.found("DD20261117-0932", "5678").await;
    }
    // Past the oldest failure's window, the order opens again.
    s.state.clock.advance(15 * 60_000 - 1_000);
    let reply = s.lookup("DD20261118-4471", "8000").await;
    assert_eq!(reply.retry_after(), Some(1));
    s.state.clock.advance(1_000);
    s.found("DD20261118-4471", "8000").await;
}

#[tokio::test]
async fn lookups_are_limited_per_client_address() {
    let s = server(&["--demo"]).await;
    for i in 0..20 {
        s.not_found(&format!("DD{i}"), "li.lei@example.com").await;
    }
    // Any lookup counts, a malformed one too; the 21st in a minute waits.
    let reply = s.lookup("DD20261118-4471", "8000").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.error().error, "rate_limited");
    assert_eq!(reply.retry_after(), Some(60));
    let reply = s.post("application/json", "{").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);

    s.state.clock.advance(30_000);
    assert_eq!(s.lookup("DD1", "8000").await.retry_after(), Some(30));
    s.state.clock.advance(30_000);
    s.found("DD20261118-4471", "8000").await;
}

#[tokio::test]
async fn a_shops_page_may_read_how_long_to_wait() {
    let s = server(&["--demo", "--cors-origin", "https://shop.example"]).await;
    let body = json!({ "order_number": "DD1", "verifier": "1234" }).to_string();
    let request = Request::post(format!("{}{LOOKUP}", s.base))
        .header(header::ORIGIN, "https://shop.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let reply = s.send(request).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let exposed = &reply.headers[header::ACCESS_CONTROL_EXPOSE_HEADERS];
    assert!(exposed
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("retry-after"));
}

/// The README's table of demo orders: number, e-mail, last 4 digits of the phone, state.
const DEMO: &str = "
    DD20261118-4471  li.lei@example.com        8000  shipped
    DD20261117-0932  han.meimei@example.com    5678  out_for_delivery
    DD20261112-2856  wang.fang@example.cn      3391  delivered
    DD20261121-7310  chen.jie@example.com      2046  placed
    DD20261120-5102  zhao.lei@example.com      1234  paid
    DD20261105-3388  emma.wilson@example.com   0142  cancelled
    DD20261028-6620  james.chen@example.com    0958  returned
    DD20261020-1149  lin.xiaoyu@example.com    5321  refunded
    DD20261116-8045  olivia.brown@example.com  0187  shipped
    DD20261119-9917  zhang.wei@example.com     6677  delivered
";

#[tokio::test]
async fn every_demo_order_opens_with_its_email_and_digits_terminal_states_included() {
    let s = server(&["--demo"]).await;
    for line in DEMO.trim().lines() {
        let [number, email, digits, state] = line.split_whitespace().collect::<Vec<_>>()[..] else {
            panic!("{line}");
        };
        let state = OrderState::from_name(state).unwrap();
        // A minute per order, so the client's allowance of 20 a minute does not run out.
        s.state.clock.advance(60_000);
        for verifier in [email, digits] {
            let status = s.found(number, verifier).await;
            assert_eq!(
                (status.order_number.as_str(), status.state),
                (number, state)
            );
            assert_eq!(status.events.last().map(|e| e.state), Some(state));
        }
    }
    let refunded = s.found("DD20261020-1149", "5321").await;
    assert!(refunded.state.is_terminal());
    use OrderState::*;
    let history: Vec<OrderState> = refunded.events.iter().map(|e| e.state).collect();
    assert_eq!(
        history,
        [Placed, Paid, Shipped, Delivered, Returned, Refunded]
    );
    assert_eq!(refunded.currency.as_deref(), Some("TWD"));
    let cancelled = s.found("DD20261105-3388", "emma.wilson@example.com").await;
    assert!(cancelled.state.is_terminal());
    assert_eq!((cancelled.carrier, cancelled.tracking_number), (None, None));
    let placed = s.found("DD20261121-7310", "2046").await;
    assert!(!placed.state.is_terminal());
}

#[tokio::test]
async fn without_demo_there_are_no_demo_orders() {
    let s = server(&[]).await;
    s.not_found("DD20261118-4471", "li.lei@example.com").await;
}

fn record(number: &str, email: Option<&str>, phone: Option<&str>, state: &str) -> OrderRecord {
    serde_json::from_value(json!({
        "order_number": number,
        "email": email,
        "phone": phone,
        "state": state,
        "updated_at_ms": T0,
        "items": [{"name": "保温杯", "quantity": 1}]
    }))
    .unwrap()
}

#[tokio::test]
async fn verifiers_are_stored_as_hashes_and_survive_a_restart() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = start(dir.clone(), &[], |_| {}).await;
    let orders = s.state.stored_orders().await.unwrap();
    orders
        .upsert(&record(
            "SHOP-77",
            Some("Mei.Han@Shop.example"),
            None,
            "paid",
        ))
        .await
        .unwrap();
    s.found("shop77", "mei.han@shop.example").await;
    // No phone on file: no 4 digits open it, not even zeros.
    for digits in ["0000", "7777"] {
        s.not_found("SHOP-77", digits).await;
    }
    // A new version replaces the old one.
    orders
        .upsert(&record(
            "SHOP-77",
            Some("mei.han@shop.example"),
            Some("+86 138 0000 7777"),
            "shipped",
        ))
        .await
        .unwrap();
    assert_eq!(s.found("SHOP-77", "7777").await.state, OrderState::Shipped);

    // Neither the e-mail nor the phone is in the database.
    drop(s);
    let stored = common::stored_text(dir.path()).await.to_lowercase();
    assert!(stored.contains("shop-77"), "the order is in what was read");
    for secret in ["mei.han", "shop.example", "138 0000", "13800007777"] {
        assert!(!stored.contains(secret), "{secret} is stored");
    }

    // The hashing secret is kept in the database: the order opens after a restart.
    let again = start(dir, &[], |_| {}).await;
    again.found("SHOP-77", "mei.han@shop.example").await;
}

#[tokio::test]
async fn orders_with_bad_verifiers_are_refused_when_stored() {
    let s = server(&[]).await;
    let orders = s.state.stored_orders().await.unwrap();
    for bad in [
        record("", Some("a@b.cn"), None, "paid"),
        record("A-1", Some("not an email"), None, "paid"),
        record("A-1", None, Some("12 3"), "paid"),
    ] {
        assert!(orders.upsert(&bad).await.is_err(), "{bad:?}");
    }
}

#[tokio::test]
async fn an_order_system_over_http_answers_lookups() {
    let (stub_url, stub) = stub_order_system().await;
    let url = format!("{stub_url}/lookup");
    // The demo orders are loaded, but the configured order system answers.
    let s = server(&["--demo", "--orders-url", &url]).await;
    let status = s.found("ｄｄ2026 1118－4471", " LI.LEI@example.com").await;
    assert_eq!(status.state, OrderState::OutForDelivery);
    assert_eq!(status.events[0].note.as_deref(), Some("派送中"));
    assert_eq!(
        stub.received.lock().unwrap()[0],
        json!({"order_number": "DD202611184471", "verifier": "li.lei@example.com"}),
        "the order system gets both normalised"
    );

    // Its 404 is the same answer as the built-in one's.
    let from_stub = s.not_found("DD20261118-4471", "8000").await;
    let built_in = server(&[]).await.not_found("DD20261118-4471", "8000").await;
    assert_eq!(from_stub.body, built_in.body);
}

#[tokio::test]
async fn an_order_system_that_fails_is_a_502() {
    let (stub_url, _stub) = stub_order_system().await;
    let down = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/lookup", listener.local_addr().unwrap())
    };
    for url in [
        format!("{stub_url}/broken"),
        format!("{stub_url}/garbage"),
        format!("{stub_url}/hangs"),
        down,
    ] {
        let timeout = Duration::from_millis(200);
        let s = start(Arc::new(tempfile::tempdir().unwrap()), &[], |state| {
            state.orders = Arc::new(HttpOrders::new(url.parse().unwrap()).with_timeout(timeout));
        })
        .await;
        let reply = s.lookup("DD20261118-4471", "li.lei@example.com").await;
        assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{url}");
        assert_eq!(reply.error().error, "order_source_unavailable");
        // A failing order system does not use up the shopper's tries.
        for _ in 0..5 {
            s.lookup("DD20261118-4471", "li.lei@example.com").await;
        }
        let reply = s.lookup("DD20261118-4471", "li.lei@example.com").await;
        assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{url}");
    }
}

#[test]
fn https_order_systems_are_refused_with_a_reason() {
    let err = Config::try_parse_from([
        "kefu-server",
        "--orders-url",
        "https://orders.example/lookup",
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("only http://"), "{err}");
}
