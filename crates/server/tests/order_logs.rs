//! Order lookups write no order number and no verifier to the logs, at any level, from any
//! thread: its own test binary, so that the one global subscriber sees only this test.

mod common;

use common::{server, stub_order_system};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Everything the global subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn lookups_log_no_order_number_and_no_verifier() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Global (every thread, the database's included) and also taking `log` records.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let (stub_url, _stub) = stub_order_system().await;
    let built_in = server(&["--demo"]).await;
    let over_http = server(&["--orders-url", &format!("{stub_url}/lookup")]).await;
    let broken = server(&["--orders-url", &format!("{stub_url}/broken")]).await;
    for s in [&built_in, &over_http] {
        s.found("DD20261118-4471", "li.lei@example.com").await;
        s.not_found("DD20261118-4471", "wrong.person@example.com")
            .await;
        s.not_found("DD20261118-4471", "8001").await;
    }
    built_in.found("ｄｄ20261118 4471", "８０００").await;
    built_in.lookup("DD20261118-4471", "li.lei@").await;
    broken.lookup("DD20261118-4471", "li.lei@example.com").await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The capture works: request spans, database statements, outcomes and failures are there.
    for expected in [
        "uri=/api/v1/orders/lookup",
        "FROM orders",
        "outcome=\"found\"",
        "outcome=\"not_found\"",
        "the order system failed",
    ] {
        assert!(logs.contains(expected), "no {expected:?} in:\n{logs}");
    }
    // (Bare digits such as the last 4 could be part of a port number or a latency.)
    for secret in [
        "20261118",
        "202611184471",
        "ｄｄ",
        "li.lei",
        "wrong.person",
        "example.com",
    ] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
}
