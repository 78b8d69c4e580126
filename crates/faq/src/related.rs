//! Words close in meaning, found when a FAQ is published: each common English word the FAQ
//! does not use is paired with the FAQ word closest to it in meaning ("reimbursement" →
//! refund, "review" → feedback), and the widget reads the shopper's word as its pair.
//!
//! The meanings come from `data/related-en.bin`: 40,577 English word stems, each a 64-byte
//! vector, made once by `tools/related_words.py` from the sentence-embedding model
//! all-MiniLM-L6-v2 (Apache-2.0) and Debian's word list. Any of them can be a FAQ word; only
//! the 13,344 common ones (among the 20,000 most frequent words of GloVe's vocabulary) are
//! paired: a shopper types those, and pairing all would put 70 % more pairs in a bundle for no
//! better matching. Only publishing reads the table (feature
//! `related`): the bundle carries the pairs its FAQ needs, never the vectors, and the widget
//! only looks pairs up.
//!
//! Word vectors put opposites close together (activate and deactivate, open and close, buy
//! and sell): a word is never paired with its opposite, whether a negating prefix makes it or
//! WordNet lists the two as antonyms (`data/opposites-en.txt`, made by `tools/opposites.py`);
//! it gets its closest FAQ word that is not one, if any. The bar ([`MIN_SIMILARITY`]) keeps
//! the looser neighbours out.

use crate::english::{is_stop_word, stem};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The cosine a word needs with its closest FAQ word to be read as it. Measured on the
/// benchmark tracks: 0.55 pairs about 70 % more words for no better ranking, and 0.65 loses
/// part of the gain.
pub const MIN_SIMILARITY: f32 = 0.6;

/// Prefixes that turn a word into its opposite.
const NEGATING_PREFIXES: [&str; 8] = ["de", "dis", "il", "im", "in", "ir", "non", "un"];

static DATA: &[u8] = include_bytes!("../data/related-en.bin");

/// WordNet's antonyms ("close open"), one pair a line; `#` starts a comment line.
static ANTONYMS: &str = include_str!("../data/opposites-en.txt");

/// Components of a word vector.
const DIMENSIONS: usize = 64;

/// A word vector: signed bytes, widened so that dot products are integer sums the compiler
/// turns into vector instructions.
type WordVector = [i16; DIMENSIONS];

/// The word table: stems, sorted, and their vectors.
struct Table {
    stems: Vec<&'static str>,
    /// Whether each stem is a common word: only those are paired.
    common: Vec<bool>,
    vectors: Vec<WordVector>,
    /// Each vector's length.
    norms: Vec<f32>,
}

impl Table {
    /// Reads `data` in the layout `tools/related_words.py` writes; `None` if it is not one.
    fn parse(data: &'static [u8]) -> Option<Table> {
        let u32_at = |at: usize| -> Option<usize> {
            let bytes = data.get(at..at + 4)?;
            Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
        };
        if data.get(..4)? != b"KFRW" {
            return None;
        }
        let (count, dimensions, text_len) = (u32_at(4)?, u32_at(8)?, u32_at(12)?);
        let text = std::str::from_utf8(data.get(16..16 + text_len)?).ok()?;
        let stems: Vec<&str> = text.split_terminator('\n').collect();
        let flags = data.get(16 + text_len..16 + text_len + count)?;
        let common = flags.iter().map(|&flag| flag == 1).collect();
        let start = 16 + text_len + count;
        let bytes = data.get(start..start + count * DIMENSIONS)?;
        if stems.len() != count || dimensions != DIMENSIONS {
            return None;
        }
        let vectors: Vec<WordVector> = bytes
            .chunks_exact(DIMENSIONS)
            .map(|v| std::array::from_fn(|i| i16::from(v[i] as i8)))
            .collect();
        let norms = vectors
            .iter()
            .map(|v| (dot(v, v) as f32).sqrt().max(1.0))
            .collect();
        Some(Table {
            stems,
            common,
            vectors,
            norms,
        })
    }

    fn find(&self, stem: &str) -> Option<usize> {
        self.stems.binary_search(&stem).ok()
    }
}

/// Integer dot product. Wrapping arithmetic (it cannot overflow: 64 × 128² < 2³¹) keeps it
/// vectorised in builds with overflow checks too.
fn dot(a: &WordVector, b: &WordVector) -> i32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| i32::from(x).wrapping_mul(i32::from(y)))
        .fold(0, i32::wrapping_add)
}

/// Each stem's antonyms, stemmed as the table's words are.
fn antonyms() -> &'static HashMap<String, Vec<String>> {
    static ANTONYMS_BY_STEM: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    ANTONYMS_BY_STEM.get_or_init(|| {
        let mut by_stem: HashMap<String, Vec<String>> = HashMap::new();
        let pairs = ANTONYMS.lines().filter(|l| !l.starts_with('#'));
        for (a, b) in pairs.filter_map(|l| l.split_once(' ')) {
            let (a, b) = (stem(a), stem(b));
            if a != b {
                by_stem.entry(a.clone()).or_default().push(b.clone());
                by_stem.entry(b).or_default().push(a);
            }
        }
        by_stem
    })
}

fn table() -> Option<&'static Table> {
    static TABLE: OnceLock<Option<Table>> = OnceLock::new();
    TABLE.get_or_init(|| Table::parse(DATA)).as_ref()
}

/// Whether one word is the other with a negating prefix ("unsubscribe", "subscribe").
fn negates(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    NEGATING_PREFIXES
        .iter()
        .any(|p| long.strip_prefix(p) == Some(short))
}

/// For each common word of the table that `vocabulary` (the FAQ's word stems) lacks, the
/// vocabulary word closest to it in meaning, if their cosine reaches [`MIN_SIMILARITY`]:
/// `(word, index in vocabulary)`, by word. Function words are neither paired nor pairs.
pub(crate) fn closest_in_meaning(vocabulary: &[&str]) -> Vec<(&'static str, usize)> {
    let Some(table) = table() else {
        return Vec::new();
    };
    // The vocabulary's meaningful words that the table knows, by vocabulary and table index.
    let mut in_vocabulary = vec![false; table.stems.len()];
    let mut known: Vec<(usize, usize)> = Vec::new();
    for (i, word) in vocabulary.iter().enumerate() {
        if let Some(t) = table.find(word) {
            in_vocabulary[t] = true;
            if !is_stop_word(word) {
                known.push((i, t));
            }
        }
    }
    let mut pairs = Vec::new();
    if known.is_empty() {
        return pairs;
    }
    for (t, &stem) in table.stems.iter().enumerate() {
        if !table.common[t] || in_vocabulary[t] || stem.len() < 3 || is_stop_word(stem) {
            continue;
        }
        let v = &table.vectors[t];
        let antonyms = antonyms().get(stem);
        let opposes = |word: &str| {
            negates(stem, word) || antonyms.is_some_and(|a| a.iter().any(|a| a == word))
        };
        let (mut best, mut best_cosine) = (None, MIN_SIMILARITY);
        for &(i, k) in &known {
            let cosine = dot(v, &table.vectors[k]) as f32 / (table.norms[t] * table.norms[k]);
            if cosine >= best_cosine && !opposes(vocabulary[i]) {
                (best, best_cosine) = (Some(i), cosine);
            }
        }
        if let Some(i) = best {
            pairs.push((stem, i));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closest(vocabulary: &[&str], word: &str) -> Option<String> {
        closest_in_meaning(vocabulary)
            .into_iter()
            .find(|&(w, _)| w == word)
            .map(|(_, i)| vocabulary[i].to_owned())
    }

    #[test]
    fn the_table_loads() {
        let table = table().expect("data/related-en.bin reads");
        assert!(table.stems.len() > 30_000, "{}", table.stems.len());
        assert!(table.stems.windows(2).all(|w| w[0] < w[1]), "stems sorted");
    }

    #[test]
    fn words_are_read_as_the_faq_word_closest_in_meaning() {
        let faq = [
            "refund", "feedback", "order", "cancel", "ship", "address", "track",
        ];
        assert_eq!(closest(&faq, "reimbursement").as_deref(), Some("refund"));
        assert_eq!(closest(&faq, "review").as_deref(), Some("feedback"));
        // The FAQ's own words and function words are never paired.
        assert_eq!(closest(&faq, "refund"), None);
        assert_eq!(closest(&faq, "the"), None);
        // Nothing about the weather is close to a shop word.
        assert_eq!(closest(&faq, "rainfall"), None);
    }

    #[test]
    fn opposites_made_by_a_prefix_are_never_paired() {
        assert!(negates("unsubscribe", "subscribe"));
        assert!(negates("activate", "deactivate"));
        assert!(!negates("refund", "fund"));
        let faq = ["deactivate", "subscribe"];
        assert_eq!(closest(&faq, "activate"), None);
        assert_eq!(closest(&faq, "unsubscribe"), None);
    }

    #[test]
    fn antonyms_are_never_paired_and_the_next_closest_word_is() {
        let closest_stem = |faq: &[&str], word: &str| {
            let faq: Vec<String> = faq.iter().map(|w| stem(w)).collect();
            let faq: Vec<&str> = faq.iter().map(String::as_str).collect();
            closest(&faq, &stem(word))
        };
        // Without the antonym list, each of these reads as its opposite (checked): "closing
        // my account" was answered with how to open one.
        assert_eq!(closest_stem(&["open"], "closing"), None);
        assert_eq!(closest_stem(&["buy"], "sell"), None);
        assert_eq!(closest_stem(&["increase"], "decrease"), None);
        // A word close in meaning that is no opposite still pairs.
        assert_eq!(
            closest_stem(&["increase", "reduce"], "decrease"),
            Some(stem("reduce"))
        );
        assert_eq!(
            closest_stem(&["correct", "wrong"], "incorrect"),
            Some(stem("wrong"))
        );
        assert_eq!(closest_stem(&["buy"], "purchase"), Some(stem("buy")));
    }
}
