//! Shared harness of the server tests: each test's database (an SQLite file, or a fresh
//! PostgreSQL database when `KEFU_TEST_POSTGRES` names a server), a response reader, a listening
//! server (the client's address comes from the connection) with a hand-set clock, an HTTP
//! client, `kefu-server` processes, and a stub of a shop's order system on a free port.

#![allow(dead_code)] // each test binary uses a part

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use kefu_api::orders::OrderStatus;
use kefu_api::ApiError;
use kefu_server::limits::Clock;
use kefu_server::{app, config::Config, AppState};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The manual clock's start: 2026-11-21 13:00 in Beijing.
pub const T0: i64 = 1_795_237_200_000;

pub const LOOKUP: &str = "/api/v1/orders/lookup";

/// The PostgreSQL server the suite runs against instead of SQLite, as an URL of a database the
/// tests may create databases from (`cargo xtask test` starts one and sets it).
pub const POSTGRES_ENV: &str = "KEFU_TEST_POSTGRES";

/// The database URL of the test whose files live in `dir`: an SQLite file there, or with
/// [`POSTGRES_ENV`] set, a PostgreSQL database named after `dir` (created if missing), so a
/// test that starts a second server on the same `dir` finds the same database.
pub async fn database(dir: &Path) -> String {
    match std::env::var(POSTGRES_ENV) {
        Ok(admin) if !admin.is_empty() => postgres_database(&admin, dir).await,
        _ => format!("sqlite://{}", dir.join("kefu.db").display()),
    }
}

async fn postgres_database(admin: &str, dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    use sqlx::Connection;
    let digest = Sha256::digest(dir.as_os_str().as_encoded_bytes());
    let name = format!("kefu_test_{}", hex::encode(&digest[..8]));
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin}: {e}"));
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if !exists {
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    conn.close().await.unwrap();
    let mut url = url::Url::parse(admin).unwrap();
    url.set_path(&name);
    url.to_string()
}

/// Everything the database of [`database`]`(dir)` holds, as text: the SQLite files' bytes, or
/// every row of every PostgreSQL table.
pub async fn stored_text(dir: &Path) -> String {
    use sqlx::Connection;
    let url = database(dir).await;
    if url.starts_with("sqlite:") {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        return String::from_utf8_lossy(&bytes).into_owned();
    }
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut text = String::new();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        text.push_str(&rows.join("\n"));
    }
    text
}

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    client: Client<HttpConnector, Full<Bytes>>,
    _dir: Arc<tempfile::TempDir>,
}

/// A server on a fresh database with `args`, its clock set by hand.
pub async fn server(args: &[&str]) -> TestServer {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    start(dir, args, |_| {}).await
}

/// A server on the database in `dir`; `edit` may change the state before it starts.
pub async fn start(
    dir: Arc<tempfile::TempDir>,
    extra: &[&str],
    edit: impl FnOnce(&mut AppState),
) -> TestServer {
    let db = database(dir.path()).await;
    let mut args = vec!["kefu-server", "--database", &db];
    if !extra.contains(&"--assets") {
        args.extend_from_slice(&["--assets", "/nonexistent"]);
    }
    args.extend_from_slice(extra);
    let mut state = AppState::from_config(Config::parse_from(args))
        .await
        .unwrap();
    state.clock = Clock::manual(T0);
    edit(&mut state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    TestServer {
        base: format!("http://{addr}"),
        state,
        client: Client::builder(TokioExecutor::new()).build_http(),
        _dir: dir,
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&self.body));
        })
    }

    pub fn error(&self) -> ApiError {
        self.json()
    }

    /// The `error` code of a JSON error body.
    pub fn code(&self) -> String {
        self.error().error
    }

    pub fn retry_after(&self) -> Option<u64> {
        let value = self.headers.get(header::RETRY_AFTER)?;
        Some(value.to_str().unwrap().parse().unwrap())
    }
}

/// Reads a whole response, from a real connection or from `oneshot`.
pub async fn read<B>(response: axum::http::Response<B>) -> Reply
where
    B: axum::body::HttpBody,
    B::Error: std::fmt::Debug,
{
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

impl TestServer {
    /// A hand-off with `body` under idempotency `key`, which must create a case.
    pub async fn escalate(&self, key: &str, body: Value) -> kefu_api::EscalationReceipt {
        let request = Request::post(format!("{}/api/v1/escalations", self.base))
            .header(header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", key)
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        let reply = self.send(request).await;
        assert_eq!(reply.status, StatusCode::CREATED);
        reply.json()
    }

    pub async fn post(&self, content_type: &str, body: impl Into<Bytes>) -> Reply {
        let request = Request::post(format!("{}{LOOKUP}", self.base))
            .header(header::CONTENT_TYPE, content_type)
            .body(Full::new(body.into()))
            .unwrap();
        self.send(request).await
    }

    /// A plain GET of `path` (no headers).
    pub async fn get(&self, path: &str) -> Reply {
        let request = Request::get(format!("{}{path}", self.base))
            .body(Full::default())
            .unwrap();
        self.send(request).await
    }

    pub async fn send(&self, request: Request<Full<Bytes>>) -> Reply {
        read(self.client.request(request).await.unwrap()).await
    }

    pub async fn lookup(&self, order_number: &str, verifier: &str) -> Reply {
        let body = json!({ "order_number": order_number, "verifier": verifier });
        self.post("application/json", body.to_string()).await
    }

    /// A lookup that must find the order.
    pub async fn found(&self, order_number: &str, verifier: &str) -> OrderStatus {
        let reply = self.lookup(order_number, verifier).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{order_number} {verifier}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        reply.json()
    }

    pub async fn not_found(&self, order_number: &str, verifier: &str) -> Reply {
        let reply = self.lookup(order_number, verifier).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{order_number} {verifier}"
        );
        assert_eq!(reply.error().error, "order_not_found");
        reply
    }
}

/// A server-sent event stream being read.
pub struct EventStream {
    body: http_body_util::combinators::BoxBody<Bytes, String>,
    /// Everything read so far.
    pub seen: String,
}

/// Opens the event stream at `url` (a whole URL) with `headers`; it must answer 200 with
/// `text/event-stream`.
pub async fn open_stream(url: &str, headers: &[(&str, &str)]) -> EventStream {
    let mut request = Request::get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client
        .request(request.body(Full::default()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    EventStream {
        body: response.into_body().map_err(|e| e.to_string()).boxed(),
        seen: String::new(),
    }
}

impl EventStream {
    /// Reads until `needle` has come (in what was read before too); panics after 10 s without
    /// a byte.
    pub async fn until(&mut self, needle: &str) -> &str {
        self.until_count(needle, 1).await
    }

    /// Reads to the end; `true` if the stream ended (cleanly or with the connection), `false`
    /// if it went on for 10 s.
    pub async fn ended(&mut self) -> bool {
        loop {
            match tokio::time::timeout(std::time::Duration::from_secs(10), self.body.frame()).await
            {
                Err(_) => return false,
                Ok(None | Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// Reads until `needle` has come `count` times in all.
    pub async fn until_count(&mut self, needle: &str, count: usize) -> &str {
        while self.seen.matches(needle).count() < count {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(10), self.body.frame())
                .await
                .unwrap_or_else(|_| {
                    panic!("the stream went quiet before {needle:?}: {}", self.seen)
                })
                .expect("the stream ended")
                .unwrap();
            if let Ok(data) = frame.into_data() {
                self.seen.push_str(&String::from_utf8_lossy(&data));
            }
        }
        &self.seen
    }
}

/// What the stub order system received, and how it answers.
#[derive(Clone, Default)]
pub struct Stub {
    pub received: Arc<Mutex<Vec<Value>>>,
}

/// A stub of a shop's order system on a free port: `/lookup` knows one order, `/broken`
/// answers 500, `/garbage` answers 200 with something that is not a status, `/hangs` never
/// answers.
pub async fn stub_order_system() -> (String, Stub) {
    async fn lookup(State(stub): State<Stub>, Json(body): Json<Value>) -> axum::response::Response {
        use axum::response::IntoResponse;
        stub.received.lock().unwrap().push(body.clone());
        if body == json!({"order_number": "DD202611184471", "verifier": "li.lei@example.com"}) {
            Json(json!({
                "order_number": "DD20261118-4471",
                "state": "out_for_delivery",
                "carrier": "顺丰速运",
                "updated_at_ms": T0,
                "events": [{"state": "out_for_delivery", "at_ms": T0, "note": "派送中"}]
            }))
            .into_response()
        } else {
            StatusCode::NOT_FOUND.into_response()
        }
    }
    let stub = Stub::default();
    let router = Router::new()
        .route("/lookup", post(lookup))
        .route(
            "/broken",
            post(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        )
        .route("/garbage", post(|| async { "<html>oops</html>" }))
        .route("/hangs", post(std::future::pending::<StatusCode>))
        .with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), stub)
}

/// A `kefu-server` process, killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    /// Where it listens, e.g. `http://127.0.0.1:41234`.
    pub base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kefu-server` on a free port with database `url` and agents' token `token`, and
/// waits until it listens.
pub fn spawn_server(url: &str, token: &str) -> ServerProcess {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_kefu-server"))
        .args(["--bind", "127.0.0.1:0", "--database", url])
        .args(["--agent-token", token, "--assets", "/nonexistent"])
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
    ServerProcess { child, base }
}

impl ServerProcess {
    /// A shopper's hand-off ("我要退货", session `s-1`) under idempotency key `key`; it must be
    /// accepted.
    pub async fn escalate(&self, key: &str) -> kefu_api::EscalationReceipt {
        let created = post_json(
            &format!("{}/api/v1/escalations", self.base),
            &[("idempotency-key", key)],
            serde_json::json!({"session": "s-1", "locale": "zh-CN", "message": "我要退货"}),
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED);
        created.json()
    }

    /// Sends SIGTERM (what a deploy or `systemctl stop` sends) and waits for the process to end;
    /// `None` if it is still running after `limit`.
    pub async fn terminate(
        &mut self,
        limit: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM {pid}");
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        None
    }
}

/// `POST`s JSON `body` to `url` (a whole URL) with `headers`.
pub async fn post_json(url: &str, headers: &[(&str, &str)], body: Value) -> Reply {
    let mut request = Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let client = Client::builder(TokioExecutor::new()).build_http();
    let body = Full::new(Bytes::from(body.to_string()));
    read(client.request(request.body(body).unwrap()).await.unwrap()).await
}
