//! A server asked to stop (SIGTERM) stops promptly even while shoppers and consoles hold live
//! event streams open: a graceful shutdown waits for open connections, so the streams must end.

mod common;

use common::spawn_server;
use std::time::Duration;

const TOKEN: &str = "shutdown-agent-token";

#[tokio::test]
async fn sigterm_ends_live_streams_and_the_server_exits() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::database(dir.path()).await;
    let mut server = spawn_server(&url, TOKEN);
    let receipt = server.escalate("shutdown-1").await;
    let agent = format!("Bearer {TOKEN}");
    let mut console = common::open_stream(
        &format!("{}/api/v1/agent/stream", server.base),
        &[("authorization", &agent)],
    )
    .await;
    let shopper = format!("Bearer {}", receipt.access_token);
    let mut events = common::open_stream(
        &format!(
            "{}/api/v1/escalations/{}/events",
            server.base, receipt.case_id
        ),
        &[("accept", "text/event-stream"), ("authorization", &shopper)],
    )
    .await;

    let status = server.terminate(Duration::from_secs(10)).await;
    let status = status.expect("the server was still running 10 s after SIGTERM");
    assert!(status.success(), "{status}");
    assert!(console.ended().await, "the console's stream ended");
    assert!(events.ended().await, "the shopper's stream ended");
}
