//! The published FAQ: the server keeps each locale's FAQ file and its bundle; every change an
//! agent makes ("save as FAQ") is built into a new bundle and published as the next version,
//! which widgets load from `/kefu/faq/<locale>.kfb` and `/api/v1/faq/<locale>`.

use crate::error::AppError;
use crate::store::{CaseStore, PublishedFaq};
use anyhow::Context;
use axum::body::Bytes;
use axum::http::StatusCode;
use kefu_api::console::{
    FaqEdition, FaqPublished, LineMatch, TranscriptMatches, MAX_FAQ_ENTRIES, MAX_FAQ_VARIANTS,
};
use kefu_api::{FaqFile, FaqFileEntry, Locale, Speaker, TranscriptLine};
use kefu_faq::bundle::Bundle;
use kefu_faq::{Action, Entry};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How often a change is tried again when another agent published at the same moment.
const PUBLISH_ATTEMPTS: usize = 5;

/// The demo shop's FAQ files, published by `--demo` when the database has none.
pub fn demo_faqs() -> [(Locale, &'static str); 3] {
    [
        (
            Locale::ZhCn,
            include_str!("../../../www/demo/faq/zh-CN.json"),
        ),
        (
            Locale::ZhTw,
            include_str!("../../../www/demo/faq/zh-TW.json"),
        ),
        (Locale::En, include_str!("../../../www/demo/faq/en.json")),
    ]
}

/// The bundle of a FAQ file: entries to show and the prebuilt matcher.
pub fn build_bundle(file: &FaqFile) -> Vec<u8> {
    let entries: Vec<Entry> = file.entries.iter().cloned().map(Entry::from).collect();
    Bundle::new(&entries).to_bytes()
}

/// [`build_bundle`] on a blocking thread: building takes long enough to stall the runtime.
async fn build_bundle_apart(file: FaqFile) -> anyhow::Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || build_bundle(&file))
        .await
        .context("building the FAQ bundle")
}

/// Something made from each locale's published FAQ, kept for its latest version only.
struct PerVersion<T>(Mutex<HashMap<Locale, (i64, T)>>);

impl<T> Default for PerVersion<T> {
    fn default() -> Self {
        PerVersion(Mutex::default())
    }
}

impl<T: Clone> PerVersion<T> {
    /// What was kept for `locale`, if it was made from `version`.
    fn get(&self, locale: Locale, version: i64) -> Option<T> {
        let kept = self.lock();
        let (made_from, value) = kept.get(&locale)?;
        (*made_from == version).then(|| value.clone())
    }

    /// Keeps `value`, made from `locale`'s `version`, in place of the last one.
    fn put(&self, locale: Locale, version: i64, value: T) {
        self.lock().insert(locale, (version, value));
    }

    /// Replaces what was kept for `locale`'s `version` with `value`; does nothing if a newer
    /// version took its place (one look, so it cannot put an old one back over it).
    fn replace(&self, locale: Locale, version: i64, value: T) {
        if let Some((made_from, kept)) = self.lock().get_mut(&locale) {
            if *made_from == version {
                *kept = value;
            }
        }
    }

    /// What was kept for `locale`'s `version`; if nothing was, keeps `value` for it and
    /// returns `None` (one look, so two callers cannot both find nothing).
    fn get_or_put(&self, locale: Locale, version: i64, value: T) -> Option<T> {
        let mut kept = self.lock();
        match kept.get(&locale) {
            Some((made_from, kept)) if *made_from == version => Some(kept.clone()),
            _ => {
                kept.insert(locale, (version, value));
                None
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Locale, (i64, T)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The published FAQs' bundles, each read once per version, for matching on the server.
#[derive(Default)]
pub struct Matchers(PerVersion<Arc<Bundle>>);

impl Matchers {
    /// What the matcher makes of `transcript`'s shopper lines on the FAQ published in
    /// `locale`, as the widget would on that FAQ; `None` when none is published.
    pub async fn transcript_matches(
        &self,
        store: &dyn CaseStore,
        locale: Locale,
        transcript: &[TranscriptLine],
    ) -> anyhow::Result<Option<TranscriptMatches>> {
        let Some(published) = store.published_faq(locale).await? else {
            return Ok(None);
        };
        let version = published.version;
        let bundle = self.bundle(locale, published)?;
        let lines = transcript
            .iter()
            .enumerate()
            .filter(|(_, line)| line.from == Speaker::Shopper)
            .map(|(index, line)| {
                let decision = bundle.matcher.decide(&line.text);
                let best = decision
                    .hits
                    .first()
                    .and_then(|hit| bundle.entries.get(hit.entry));
                LineMatch {
                    line: u32::try_from(index).unwrap_or(u32::MAX),
                    action: match decision.action {
                        Action::Answer => "answer",
                        Action::Suggest => "suggest",
                        _ => "decline",
                    }
                    .to_owned(),
                    // In 0..=100 after the clamp, so the cast keeps it.
                    confidence: (decision.confidence.clamp(0.0, 1.0) * 100.0).round() as u8,
                    entry_id: best.map(|e| e.id.clone()),
                    question: best.map(|e| e.question.clone()),
                }
            })
            .collect();
        Ok(Some(TranscriptMatches {
            faq_version: version,
            lines,
        }))
    }

    /// The bundle of `published`, read again only when its version is new.
    fn bundle(&self, locale: Locale, published: PublishedFaq) -> anyhow::Result<Arc<Bundle>> {
        if let Some(bundle) = self.0.get(locale, published.version) {
            return Ok(bundle);
        }
        let bundle = Arc::new(
            Bundle::from_bytes(&published.bundle)
                .map_err(|e| anyhow::anyhow!("the published {locale} FAQ: {e}"))?,
        );
        self.0.put(locale, published.version, bundle.clone());
        Ok(bundle)
    }
}

/// The published FAQs' bundles in Brotli, each made once per version: at Brotli's best level
/// a bundle is about 14 % smaller than gzipped (the demo's English one 49.2 KB against 57.6),
/// but making it takes a few tenths of a second, too slow for a request to wait on. So the
/// first request for a new version starts making the copy in the background, and it and any
/// other until the copy is ready go gzipped.
#[derive(Default)]
pub struct BrotliBundles(PerVersion<Option<Bytes>>);

impl BrotliBundles {
    /// The Brotli copy of `published` if it is made; else `None`, and the first such call
    /// for a version starts making it.
    pub fn of(self: &Arc<Self>, locale: Locale, published: &PublishedFaq) -> Option<Bytes> {
        let version = published.version;
        if let Some(copy) = self.0.get_or_put(locale, version, None) {
            return copy; // made, or being made
        }
        let (copies, bundle) = (Arc::clone(self), published.bundle.clone());
        tokio::task::spawn_blocking(move || match brotli(&bundle) {
            // Kept unless a newer version came meanwhile: its copy is the one to keep.
            Ok(copy) => copies.0.replace(locale, version, Some(Bytes::from(copy))),
            Err(e) => tracing::warn!(%locale, version, "{e:#}: the FAQ bundle goes gzipped"),
        });
        None
    }
}

/// `bytes` in Brotli at its best level and its largest window.
fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .context("compressing the FAQ bundle")?;
    Ok(out)
}

/// Publishes `json` (a FAQ file) as `locale`'s first version, unless one is published already.
pub async fn publish_if_none(
    store: &dyn CaseStore,
    locale: Locale,
    json: &str,
    now_ms: i64,
) -> anyhow::Result<()> {
    if store.published_faq(locale).await?.is_some() {
        return Ok(());
    }
    let file: FaqFile =
        serde_json::from_str(json).with_context(|| format!("reading the {locale} FAQ file"))?;
    let bundle = build_bundle_apart(file.clone()).await?;
    let source = serde_json::to_string(&file)?;
    store
        .publish_faq(locale, None, &source, &bundle, now_ms)
        .await?;
    tracing::info!(%locale, entries = file.entries.len(), "FAQ published");
    Ok(())
}

/// Rebuilds, from their FAQ files, the published bundles this matcher cannot read (built by
/// an older version of it) and publishes each as the next version, so widgets that cached the
/// old one fetch the new one instead of revalidating it.
pub async fn rebuild_outdated(store: &dyn CaseStore, now_ms: i64) -> anyhow::Result<()> {
    for locale in Locale::ALL {
        let Some(published) = store.published_faq(locale).await? else {
            continue;
        };
        let Err(error) = Bundle::from_bytes(&published.bundle) else {
            continue;
        };
        // One locale that cannot be rebuilt (its stored file broken, or another server
        // publishing at the same moment) must not keep the shop's support from starting.
        match rebuild(store, locale, &published, now_ms).await {
            Ok(version) => tracing::info!(%locale, %error, ?version, "outdated FAQ bundle rebuilt"),
            Err(failure) => tracing::error!(
                %locale, %error, failure = format!("{failure:#}"),
                "outdated FAQ bundle left as it is: agents can publish the FAQ again"
            ),
        }
    }
    Ok(())
}

/// Builds `published`'s FAQ file again and publishes it as the next version.
async fn rebuild(
    store: &dyn CaseStore,
    locale: Locale,
    published: &PublishedFaq,
    now_ms: i64,
) -> anyhow::Result<Option<i64>> {
    let file: FaqFile = serde_json::from_str(&published.source_json)
        .with_context(|| format!("reading the published {locale} FAQ file"))?;
    let bundle = build_bundle_apart(file).await?;
    let version = store
        .publish_faq(
            locale,
            Some(published.version),
            &published.source_json,
            &bundle,
            now_ms,
        )
        .await?;
    Ok(version)
}

/// The published FAQ of `locale` as agents edit it (version 0 and no entries before any).
pub async fn edition(store: &dyn CaseStore, locale: Locale) -> Result<FaqEdition, AppError> {
    let (version, file) = current(store, locale).await?;
    Ok(FaqEdition {
        locale: locale.as_str().to_owned(),
        version: version.unwrap_or(0),
        entries: file.entries,
    })
}

async fn current(
    store: &dyn CaseStore,
    locale: Locale,
) -> Result<(Option<i64>, FaqFile), AppError> {
    match store.published_faq(locale).await? {
        Some(PublishedFaq {
            version,
            source_json,
            ..
        }) => {
            let file = serde_json::from_str(&source_json).context("reading a published FAQ")?;
            Ok((Some(version), file))
        }
        None => Ok((
            None,
            FaqFile {
                name: String::new(),
                lang: locale.as_str().to_owned(),
                entries: Vec::new(),
            },
        )),
    }
}

/// Applies `edit` to `locale`'s FAQ and publishes the result as the next version; `edit`
/// returns the entry it created or changed. When another agent publishes in between, the
/// edit is applied again to their version.
pub async fn change(
    store: &dyn CaseStore,
    locale: Locale,
    now_ms: i64,
    edit: impl Fn(&mut FaqFile) -> Result<FaqFileEntry, AppError>,
) -> Result<FaqPublished, AppError> {
    for _ in 0..PUBLISH_ATTEMPTS {
        let (version, mut file) = current(store, locale).await?;
        let entry = edit(&mut file)?;
        let source = serde_json::to_string(&file).context("encoding the FAQ")?;
        let bundle = build_bundle_apart(file).await?;
        if let Some(version) = store
            .publish_faq(locale, version, &source, &bundle, now_ms)
            .await?
        {
            tracing::info!(%locale, version, entry = %entry.id, "FAQ published");
            return Ok(FaqPublished { version, entry });
        }
    }
    Err(AppError::client(
        StatusCode::CONFLICT,
        "faq_busy",
        "the FAQ is being changed by others right now; please try again",
    ))
}

/// Adds `entry` to `file` under a new id (`agent-N`).
pub fn add_entry(file: &mut FaqFile, mut entry: FaqFileEntry) -> Result<FaqFileEntry, AppError> {
    if file.entries.len() >= MAX_FAQ_ENTRIES {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            "faq_full",
            format!("a FAQ holds at most {MAX_FAQ_ENTRIES} entries"),
        ));
    }
    let next = file
        .entries
        .iter()
        .filter_map(|e| e.id.strip_prefix("agent-")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    entry.id = format!("agent-{next}");
    file.entries.push(entry.clone());
    Ok(entry)
}

/// Adds `text` as a variant of entry `id` in `file`.
pub fn add_variant(file: &mut FaqFile, id: &str, text: &str) -> Result<FaqFileEntry, AppError> {
    let entry = file
        .entries
        .iter_mut()
        .find(|e| e.id == id)
        .ok_or_else(AppError::not_found)?;
    let text = text.trim();
    let known = std::iter::once(&entry.question)
        .chain(&entry.variants)
        .any(|v| v.trim() == text);
    if known {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            "variant_exists",
            "this entry already has this wording",
        ));
    }
    if entry.variants.len() >= MAX_FAQ_VARIANTS {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            "too_many_variants",
            format!("an entry holds at most {MAX_FAQ_VARIANTS} variants"),
        ));
    }
    entry.variants.push(text.to_owned());
    Ok(entry.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> FaqFile {
        serde_json::from_str(demo_faqs()[0].1).unwrap()
    }

    #[test]
    fn a_copy_made_for_an_old_version_never_replaces_a_newer_ones() {
        let kept = PerVersion::<Option<&str>>::default();
        assert_eq!(
            kept.get_or_put(Locale::En, 1, None),
            None,
            "nothing yet: start it"
        );
        assert_eq!(
            kept.get_or_put(Locale::En, 1, None),
            Some(None),
            "being made"
        );
        assert_eq!(
            kept.get_or_put(Locale::ZhCn, 1, None),
            None,
            "locales apart"
        );
        // Version 2 is published while version 1's copy is being made.
        assert_eq!(kept.get_or_put(Locale::En, 2, None), None);
        kept.replace(Locale::En, 1, Some("copy of 1"));
        assert_eq!(kept.get(Locale::En, 2), Some(None));
        assert_eq!(kept.get(Locale::En, 1), None);
        kept.replace(Locale::En, 2, Some("copy of 2"));
        assert_eq!(
            kept.get_or_put(Locale::En, 2, None),
            Some(Some("copy of 2"))
        );
    }

    #[test]
    fn new_entries_get_the_next_free_id() {
        let mut f = file();
        let a = add_entry(&mut f, FaqFileEntry::default()).unwrap();
        let b = add_entry(&mut f, FaqFileEntry::default()).unwrap();
        assert_eq!((a.id.as_str(), b.id.as_str()), ("agent-1", "agent-2"));
    }

    #[test]
    fn variants_are_added_once_to_known_entries() {
        let mut f = file();
        let id = f.entries[1].id.clone();
        let entry = add_variant(&mut f, &id, " 周末发货吗 ").unwrap();
        assert_eq!(entry.variants.last().unwrap(), "周末发货吗");
        assert!(matches!(
            add_variant(&mut f, &id, "周末发货吗"),
            Err(AppError::Client {
                status: StatusCode::CONFLICT,
                ..
            })
        ));
        assert!(matches!(
            add_variant(&mut f, "nope", "x"),
            Err(AppError::Client {
                status: StatusCode::NOT_FOUND,
                ..
            })
        ));
    }

    #[test]
    fn a_bundle_answers_a_new_entry() {
        let mut f = file();
        add_entry(
            &mut f,
            FaqFileEntry {
                question: "可以用数字人民币付款吗".into(),
                answer: "可以，结账时选择数字人民币。".into(),
                ..FaqFileEntry::default()
            },
        )
        .unwrap();
        let bundle = Bundle::from_bytes(&build_bundle(&f)).unwrap();
        let decision = bundle.matcher.decide("能用数字人民币付款吗");
        let best = &bundle.entries[decision.hits[0].entry];
        assert_eq!(best.id, "agent-1");
    }
}
