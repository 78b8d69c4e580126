//! `/metrics` in the Prometheus text format: requests by route and status, request latency,
//! and gauges read at scrape time (open cases, live consoles, published FAQ versions).
//! Labels are route patterns (`/api/v1/escalations/{case_id}`), never paths or personal data.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// A value read at scrape time: its name, help text, and values by label set (`{locale="en"}`,
/// or empty for none).
pub struct Gauge<'a> {
    /// The metric's name.
    pub name: &'a str,
    /// What it measures.
    pub help: &'a str,
    /// Label sets and values.
    pub values: Vec<(String, f64)>,
}

/// Request counters and the latency histogram, shared by every request.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    /// (method, route pattern, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// Requests per latency bucket (the last one is `+Inf`).
    buckets: [u64; BUCKETS.len() + 1],
    seconds_sum: f64,
    count: u64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(&self, method: &str, route: &str, status: u16, took: Duration) {
        let mut counts = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *counts
            .requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let seconds = took.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|&upper| seconds <= upper)
            .unwrap_or(BUCKETS.len());
        counts.buckets[bucket] += 1;
        counts.seconds_sum += seconds;
        counts.count += 1;
    }

    /// The counters in the text format, then `gauges` (name, help, value).
    pub fn render(&self, gauges: &[Gauge<'_>]) -> String {
        let counts = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str(
            "# HELP kefu_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE kefu_http_requests_total counter\n");
        for ((method, route, status), n) in &counts.requests {
            let _ = writeln!(
                out,
                "kefu_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP kefu_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE kefu_http_request_duration_seconds histogram\n");
        let mut cumulative = 0;
        for (i, upper) in BUCKETS.iter().enumerate() {
            cumulative += counts.buckets[i];
            let _ = writeln!(
                out,
                "kefu_http_request_duration_seconds_bucket{{le=\"{upper}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "kefu_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
            counts.count
        );
        let _ = writeln!(
            out,
            "kefu_http_request_duration_seconds_sum {}",
            counts.seconds_sum
        );
        let _ = writeln!(
            out,
            "kefu_http_request_duration_seconds_count {}",
            counts.count
        );
        for Gauge { name, help, values } in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
            for (labels, value) in values {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        }
        out
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets_render_in_the_text_format() {
        let metrics = Metrics::default();
        metrics.record("GET", "/healthz", 200, Duration::from_millis(3));
        metrics.record("GET", "/healthz", 200, Duration::from_millis(30));
        metrics.record("POST", "/api/v1/escalations", 422, Duration::from_secs(9));
        let text = metrics.render(&[Gauge {
            name: "kefu_open_cases",
            help: "Open cases.",
            values: vec![(String::new(), 2.0)],
        }]);
        assert!(text.contains(
            "kefu_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(text.contains("kefu_http_request_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("kefu_http_request_duration_seconds_bucket{le=\"0.05\"} 2"));
        assert!(text.contains("kefu_http_request_duration_seconds_bucket{le=\"+Inf\"} 3"));
        assert!(text.contains("# TYPE kefu_open_cases gauge\nkefu_open_cases 2"));
    }
}
