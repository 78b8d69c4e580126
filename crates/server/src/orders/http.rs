//! The shop's own order system over HTTP (`--orders-url`): one JSON POST per lookup.

use super::{OrderSource, OrderSourceError};
use async_trait::async_trait;
use axum::body::Bytes;
use axum::http::{header, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use kefu_api::orders::OrderStatus;
use serde_json::json;
use std::time::Duration;

/// How long the order system has to answer, whole body included.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Largest answer read from the order system, in bytes.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Asks the shop's endpoint at `url` (plain `http://`, e.g. a service in the shop's own network).
#[derive(Clone, Debug)]
pub struct HttpOrders {
    url: Uri,
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

impl HttpOrders {
    /// Lookups go to `url`, with the default timeout (3 s).
    pub fn new(url: Uri) -> Self {
        HttpOrders {
            url,
            client: Client::builder(TokioExecutor::new()).build_http(),
            timeout: TIMEOUT,
        }
    }

    /// The same, waiting at most `timeout` for an answer.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        HttpOrders { timeout, ..self }
    }

    async fn ask(
        &self,
        order_number: &str,
        verifier: &str,
    ) -> Result<Option<OrderStatus>, OrderSourceError> {
        let unavailable = |what: String| OrderSourceError::Unavailable(what);
        let body = json!({ "order_number": order_number, "verifier": verifier }).to_string();
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| unavailable(format!("building the request: {e}")))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| unavailable(format!("no answer: {e}")))?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND => return Ok(None),
            other => return Err(unavailable(format!("answered {other}"))),
        }
        let bytes = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| unavailable(format!("reading the answer: {e}")))?
            .to_bytes();
        // serde's message may quote the answer; it is not passed on.
        let status = serde_json::from_slice(&bytes)
            .map_err(|_| unavailable("the answer is not an order status".to_owned()))?;
        Ok(Some(status))
    }
}

#[async_trait]
impl OrderSource for HttpOrders {
    async fn lookup(
        &self,
        order_number: &str,
        verifier: &str,
    ) -> Result<Option<OrderStatus>, OrderSourceError> {
        tokio::time::timeout(self.timeout, self.ask(order_number, verifier))
            .await
            .map_err(|_| {
                OrderSourceError::Unavailable(format!("no answer within {:?}", self.timeout))
            })?
    }
}

/// Reads `--orders-url`: an `http://` URL with a host.
pub fn parse_orders_url(text: &str) -> Result<Uri, String> {
    let url: Uri = text
        .parse()
        .map_err(|e| format!("{text:?} is not a URL: {e}"))?;
    match (url.scheme_str(), url.host()) {
        (Some("http"), Some(_)) => Ok(url),
        (Some("https"), _) => Err(format!(
            "{text:?}: only http:// is supported; reach an https:// order system through a \
             proxy in your network"
        )),
        _ => Err(format!(
            "{text:?}: expected a URL like http://orders.internal:8000/kefu/lookup"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_urls() {
        assert!(parse_orders_url("http://127.0.0.1:9000/lookup").is_ok());
        assert!(parse_orders_url("http://orders.internal/kefu").is_ok());
        for bad in [
            "",
            "orders.internal/kefu",
            "/lookup",
            "https://orders.example/lookup",
            "ftp://orders.example/",
        ] {
            assert!(parse_orders_url(bad).is_err(), "{bad:?}");
        }
    }
}
