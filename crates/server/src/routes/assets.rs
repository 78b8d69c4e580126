//! Static files: the built widget under `/kefu/`, and the demo shop at `/` with `--demo`.

use crate::config::Config;
use crate::AppState;
use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

pub(super) fn router(config: &Config) -> Router<AppState> {
    // File names are stable (no hashes), so caches must revalidate; ETags make that cheap.
    let widget = SetResponseHeader::overriding(
        ServeDir::new(&config.assets),
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    let router = Router::new().nest_service("/kefu", widget);
    if config.demo {
        router.fallback_service(ServeDir::new(config.assets.join("demo")))
    } else {
        router
    }
}
