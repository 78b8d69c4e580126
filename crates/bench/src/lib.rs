//! Browser benchmark harness: the wasm matcher, built as the widget builds it, behind a small
//! JS API that the benchmark page (`tests/bench/`) drives next to Fuse.js and MiniSearch.

use kefu_faq::{Entry, Matcher};
use wasm_bindgen::prelude::*;

/// A matcher the page can load from a bundle and query.
#[wasm_bindgen]
pub struct BenchMatcher {
    matcher: Matcher,
}

/// Reads a FAQ file (`shared/eval` format) into matcher entries.
pub fn entries_from_json(faq_json: &str) -> Result<Vec<Entry>, String> {
    let file: kefu_api::FaqFile = serde_json::from_str(faq_json).map_err(|e| e.to_string())?;
    Ok(file.entries.into_iter().map(Entry::from).collect())
}

#[wasm_bindgen]
impl BenchMatcher {
    /// Loads an index from bytes, as the widget does.
    pub fn load(bytes: &[u8]) -> Result<BenchMatcher, JsError> {
        Matcher::from_bytes(bytes)
            .map(|matcher| BenchMatcher { matcher })
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Builds what loading leaves for later (the typo table), as the widget does after the
    /// panel shows.
    pub fn prepare(&self) {
        self.matcher.prepare();
    }

    /// The whole decision for `query` (what the widget runs): the best entry's index, or -1
    /// when no entry shares a token with it.
    pub fn top(&self, query: &str) -> i32 {
        self.matcher
            .decide(query)
            .hits
            .first()
            .map_or(-1, |hit| hit.entry as i32)
    }
}
