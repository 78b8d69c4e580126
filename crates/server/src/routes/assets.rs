//! Static files: the built widget under `/kefu/`, and the demo shop at `/` with `--demo`; each
//! file's Brotli or gzip copy (`file.br`, `file.gz`, written by `cargo xtask build`) to
//! browsers that accept it.

use crate::config::Config;
use crate::AppState;
use axum::http::{header, HeaderValue};
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

pub(super) fn router(config: &Config) -> Router<AppState> {
    // File names are stable (no hashes), so caches must revalidate; ETags make that cheap.
    let widget = SetResponseHeader::overriding(
        files(&config.assets),
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    let router = Router::new().nest_service("/kefu", widget);
    if config.demo {
        router.fallback_service(files(&config.assets.join("demo")))
    } else {
        router
    }
}

/// The files in `dir`, each as its `.br` or `.gz` copy when there is one and the browser
/// accepts that encoding (Brotli first): compressing once at build time, at the best level,
/// costs no request anything. `Vary: accept-encoding` keeps a shared cache in front from
/// handing one browser's copy to another that cannot read it.
pub(super) fn files(dir: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeader::appending(
        ServeDir::new(dir).precompressed_br().precompressed_gzip(),
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    )
}
