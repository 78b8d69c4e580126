//! The published FAQ: `GET /faq/{locale}` (the bundle, with its version as ETag; the widget
//! loaded from this server also finds it at `/kefu/faq/{locale}.kfb`), and the agents' edits:
//! `GET /agent/faq/{locale}`, `POST /agent/faq/{locale}/entries` (a new entry) and
//! `POST /agent/faq/{locale}/entries/{id}/variants` (a new wording), each published at once.

use super::now_ms;
use crate::auth::Agent;
use crate::error::{AppError, AppJson};
use crate::faq;
use crate::store::PublishedFaq;
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kefu_api::console::{check_question, FaqEdition, FaqPublished, NewFaqEntry, NewVariant};
use kefu_api::{FaqFileEntry, Locale};
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeFile;

/// The header that names the version of a served bundle.
pub const VERSION_HEADER: &str = "kefu-faq-version";

/// gzip for the bundle, for browsers without Brotli: it is made when a FAQ is published, so it
/// is compressed per request (the ETag keeps that to a shopper's first load of each version).
/// Browsers that accept Brotli get the published bundle's Brotli copy once it is made
/// ([`BrotliBundles`]; gzip until then), and the built bundles' `.br` and `.gz` copies when
/// none is published.
///
/// [`BrotliBundles`]: crate::faq::BrotliBundles
fn compressed() -> CompressionLayer {
    CompressionLayer::new()
}

pub(super) fn api_router() -> Router<AppState> {
    Router::new()
        .route("/faq/{locale}", get(bundle).layer(compressed()))
        .route("/agent/faq/{locale}", get(edition))
        .route("/agent/faq/{locale}/entries", post(add_entry))
        .route(
            "/agent/faq/{locale}/entries/{entry_id}/variants",
            post(add_variant),
        )
}

/// `/kefu/faq/{file}`: the published bundle when there is one, else the built file in
/// `<assets>/faq/` (a server without a published FAQ serves what `cargo xtask build` made).
pub(super) fn widget_router() -> Router<AppState> {
    Router::new().route("/kefu/faq/{file}", get(widget_bundle).layer(compressed()))
}

fn locale_of(tag: &str) -> Result<Locale, AppError> {
    Locale::ALL
        .into_iter()
        .find(|l| l.as_str() == tag)
        .ok_or_else(AppError::not_found)
}

/// The bundle of `locale` with `ETag` and `Kefu-Faq-Version`; `If-None-Match` gets a 304.
async fn published(
    state: &AppState,
    locale: Locale,
    headers: &HeaderMap,
) -> Result<Option<Response>, AppError> {
    let Some(faq) = state.store.published_faq(locale).await? else {
        return Ok(None);
    };
    let etag = format!("\"{locale}-{}\"", faq.version);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, "no-cache".to_owned()),
        (
            header::HeaderName::from_static(VERSION_HEADER),
            faq.version.to_string(),
        ),
    ];
    let kind = (header::CONTENT_TYPE, "application/octet-stream");
    Ok(Some(if fresh {
        (StatusCode::NOT_MODIFIED, common).into_response()
    } else if let Some(copy) = brotli_copy(state, locale, headers, &faq) {
        let encoding = [
            (header::CONTENT_ENCODING, "br"),
            (header::VARY, "accept-encoding"),
        ];
        (common, [kind], encoding, copy).into_response()
    } else {
        (common, [kind], faq.bundle).into_response()
    }))
}

/// The Brotli copy of `faq` for a browser that accepts Brotli, once it is made
/// ([`BrotliBundles`]).
///
/// [`BrotliBundles`]: crate::faq::BrotliBundles
fn brotli_copy(
    state: &AppState,
    locale: Locale,
    headers: &HeaderMap,
    faq: &PublishedFaq,
) -> Option<Bytes> {
    accepts_brotli(headers)
        .then(|| state.brotli_bundles.of(locale, faq))
        .flatten()
}

/// Whether `Accept-Encoding` lists Brotli (`br`) with a weight above 0.
fn accepts_brotli(headers: &HeaderMap) -> bool {
    let listed = headers.get_all(header::ACCEPT_ENCODING).iter();
    listed
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let weight = parts
                .find_map(|p| p.strip_prefix("q="))
                .map_or(Some(1.0), |q| q.parse::<f32>().ok());
            name.eq_ignore_ascii_case("br") && weight.is_some_and(|q| q > 0.0)
        })
}

async fn bundle(
    State(state): State<AppState>,
    Path(locale): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let locale = locale_of(locale.strip_suffix(".kfb").unwrap_or(&locale))?;
    published(&state, locale, &headers)
        .await?
        .ok_or_else(AppError::not_found)
}

async fn widget_bundle(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let locale = file.strip_suffix(".kfb").map(locale_of).transpose()?;
    let locale = locale.ok_or_else(AppError::not_found)?;
    if let Some(response) = published(&state, locale, request.headers()).await? {
        return Ok(response);
    }
    let built = state
        .config
        .assets
        .join("faq")
        .join(format!("{locale}.kfb"));
    let mut response = ServeFile::new(built)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(request)
        .await
        .map_err(|e| anyhow::anyhow!("serving a FAQ file: {e}"))?
        .map(Body::new);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(response)
}

async fn edition(
    State(state): State<AppState>,
    _agent: Agent,
    Path(locale): Path<String>,
) -> Result<AppJson<FaqEdition>, AppError> {
    Ok(AppJson(
        faq::edition(state.store.as_ref(), locale_of(&locale)?).await?,
    ))
}

/// A new entry, e.g. the shopper's question with the agent's answer; published at once.
async fn add_entry(
    State(state): State<AppState>,
    agent: Agent,
    Path(locale): Path<String>,
    body: Result<AppJson<NewFaqEntry>, AppError>,
) -> Result<(StatusCode, AppJson<FaqPublished>), AppError> {
    let locale = locale_of(&locale)?;
    let AppJson(new) = body?;
    new.validate()?;
    let entry = FaqFileEntry {
        id: String::new(),
        question: new.question.trim().to_owned(),
        variants: new.variants,
        keywords: new.keywords,
        answer: new.answer.trim().to_owned(),
    };
    let published = faq::change(state.store.as_ref(), locale, now_ms(), |file| {
        faq::add_entry(file, entry.clone())
    })
    .await?;
    tracing::info!(agent = ?agent.name, %locale, entry = %published.entry.id, "FAQ entry added");
    Ok((StatusCode::CREATED, AppJson(published)))
}

/// A new wording of an existing entry; published at once.
async fn add_variant(
    State(state): State<AppState>,
    _agent: Agent,
    Path((locale, entry_id)): Path<(String, String)>,
    body: Result<AppJson<NewVariant>, AppError>,
) -> Result<AppJson<FaqPublished>, AppError> {
    let locale = locale_of(&locale)?;
    let AppJson(variant) = body?;
    check_question("text", &variant.text)?;
    let published = faq::change(state.store.as_ref(), locale, now_ms(), |file| {
        faq::add_variant(file, &entry_id, &variant.text)
    })
    .await?;
    Ok(AppJson(published))
}
