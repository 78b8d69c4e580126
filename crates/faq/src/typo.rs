//! Typo tolerance: a query word the FAQ does not know is read as the FAQ word one edit away
//! ("refnd" → refund, "cancle" → cancel, "shiping" → ship), found through a table of
//! single-character deletions (the SymSpell idea) instead of comparing against every word.

use crate::index::term_key;
use crate::tokenize::fnv_extend;

/// Words shorter than this are never corrected: too many real words are one edit apart.
const MIN_CORRECTED_LEN: usize = 4;

/// The FAQ's words, their one-deletion neighbourhoods, and the words close to them in meaning.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vocabulary {
    /// Distinct stems of meaningful words, sorted, each followed by a newline: one text, so
    /// that loading a bundle copies it whole.
    text: String,
    /// Keys ([`word_key`]) of words the FAQ does not use, ascending, paired when publishing
    /// with the FAQ word closest to each in meaning (`crate::related`).
    related_keys: Vec<u32>,
    /// Where each of those FAQ words starts in `text`.
    related_words: Vec<u32>,
    /// `(hash of the word or of the word minus one character, where the word starts in
    /// text)`, sorted.
    /// 32 bits of hash are plenty: every candidate is checked against the word itself.
    /// Made on first need (or by [`Vocabulary::prepare`]), not when a bundle loads: it is a
    /// third of the loading time, and the widget can make it once the panel is open.
    deletes: std::sync::OnceLock<Vec<(u32, u32)>>,
}

/// Two vocabularies are equal when their words and related words are: the deletions follow
/// from them.
impl PartialEq for Vocabulary {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
            && self.related_keys == other.related_keys
            && self.related_words == other.related_words
    }
}

const START: u64 = 0xcbf2_9ce4_8422_2325;

/// A word's key: FNV-1a over its UTF-8 bytes, as tokens are hashed, folded to 32 bits as term
/// keys are.
pub(crate) fn word_key(word: &str) -> u32 {
    term_key(fnv_extend(START, word.as_bytes()))
}

/// Keys ([`word_key`]) of `word` itself and of every string made by deleting one of its
/// characters.
fn neighbourhood(word: &str) -> impl Iterator<Item = u32> + '_ {
    let bytes = word.as_bytes();
    std::iter::once(word_key(word)).chain(word.char_indices().map(move |(at, c)| {
        let before = fnv_extend(START, bytes.get(..at).unwrap_or_default());
        term_key(fnv_extend(
            before,
            bytes.get(at + c.len_utf8()..).unwrap_or_default(),
        ))
    }))
}

/// Damerau–Levenshtein distance of at most one: one insertion, deletion, substitution or
/// swap of neighbours.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    match a.len() as isize - b.len() as isize {
        0 => {
            a.len() <= 1
                || a[1..] == b[1..]
                || (a.len() >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
        1 => a[1..] == *b,
        -1 => *a == b[1..],
        _ => false,
    }
}

/// Sorts `pairs` by hash, keeping the order of equal hashes: a byte-wise radix sort, a few
/// hundred bytes of wasm where the standard sorts cost about 3 KB. Pairs arrive with their
/// words' places ascending, so the result is sorted by `(hash, place)`.
fn sort_by_hash(pairs: &mut Vec<(u32, u32)>) {
    let mut scratch = vec![(0u32, 0u32); pairs.len()];
    for shift in (0..32).step_by(8) {
        let mut starts = [0usize; 257];
        for &(hash, _) in pairs.iter() {
            starts[((hash >> shift) as u8) as usize + 1] += 1;
        }
        if starts.contains(&pairs.len()) {
            continue; // every hash has the same byte here
        }
        for i in 1..257 {
            starts[i] += starts[i - 1];
        }
        for &pair in pairs.iter() {
            let slot = &mut starts[((pair.0 >> shift) as u8) as usize];
            scratch[*slot] = pair;
            *slot += 1;
        }
        std::mem::swap(pairs, &mut scratch);
    }
}

impl Vocabulary {
    /// Indexes `words` (any order, duplicates allowed), and, when publishing, pairs the
    /// common English words they lack with the closest in meaning (`crate::related`).
    pub fn new(mut words: Vec<String>) -> Self {
        words.retain(|w| !w.is_empty());
        words.sort_unstable();
        words.dedup();
        let text = words.iter().flat_map(|w| [w, "\n"]).collect();
        #[cfg(feature = "related")]
        let related = {
            let starts: Vec<u32> = words
                .iter()
                .scan(0u32, |at, w| {
                    let start = *at;
                    *at += w.len() as u32 + 1;
                    Some(start)
                })
                .collect();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let mut related: Vec<(u32, u32)> = crate::related::closest_in_meaning(&words)
                .into_iter()
                .map(|(word, i)| (word_key(word), starts[i]))
                .collect();
            sort_by_hash(&mut related);
            related
        };
        #[cfg(not(feature = "related"))]
        let related: Vec<(u32, u32)> = Vec::new();
        let (keys, starts) = related.into_iter().unzip();
        Vocabulary::from_parts(text, keys, starts)
    }

    /// A vocabulary as [`Vocabulary::text`] and [`Vocabulary::related`] gave it: sorted,
    /// distinct words, each followed by a newline, and the related words' keys (ascending)
    /// and their FAQ words. (Loading a bundle takes this path, so the widget carries no string
    /// sort. Keys out of order, or words that point anywhere, only misread a word.)
    pub fn from_parts(text: String, related_keys: Vec<u32>, related_words: Vec<u32>) -> Self {
        Vocabulary {
            text,
            related_keys,
            related_words,
            deletes: std::sync::OnceLock::new(),
        }
    }

    /// The words, each followed by a newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The related words: their keys, ascending, and where each one's FAQ word starts in
    /// the text.
    pub fn related(&self) -> (&[u32], &[u32]) {
        (&self.related_keys, &self.related_words)
    }

    /// The word that starts at byte `at` of the text.
    fn word_at(&self, at: u32) -> &str {
        let rest = self.text.get(at as usize..).unwrap_or_default();
        rest.split('\n').next().unwrap_or_default()
    }

    /// The deletions table, made now if it was not yet.
    fn deletes(&self) -> &[(u32, u32)] {
        self.deletes.get_or_init(|| {
            let mut deletes: Vec<(u32, u32)> = Vec::with_capacity(self.text.len());
            let mut at = 0;
            for word in self.text.split_terminator('\n') {
                // The tokeniser cuts words at 64 characters; a longer one can only come from
                // a malformed bundle, and its neighbourhood would take quadratic time. Words
                // too short to be corrected are there only as related words' pairs.
                if (MIN_CORRECTED_LEN..=4 * 64).contains(&word.len()) {
                    deletes.extend(neighbourhood(word).map(|h| (h, at)));
                }
                at += word.len() as u32 + 1;
            }
            sort_by_hash(&mut deletes);
            deletes.dedup();
            deletes
        })
    }

    /// Makes the deletions table now, so that the first correction does not wait for it.
    pub fn prepare(&self) {
        self.deletes();
    }

    /// The FAQ word `word` means: the one closest in meaning, if it was paired when the FAQ
    /// was published, or else the one word one edit away, if there is exactly one.
    pub fn correct(&self, word: &str) -> Option<&str> {
        if let Ok(i) = self.related_keys.binary_search(&word_key(word)) {
            return self.related_words.get(i).map(|&at| self.word_at(at));
        }
        if word.chars().count() < MIN_CORRECTED_LEN {
            return None;
        }
        let deletes = self.deletes();
        let mut found: Option<u32> = None;
        for h in neighbourhood(word) {
            let start = deletes.partition_point(|&(d, _)| d < h);
            for &(_, i) in deletes[start..].iter().take_while(|&&(d, _)| d == h) {
                let candidate = self.word_at(i);
                if within_one_edit(word, candidate) {
                    match found {
                        None => found = Some(i),
                        Some(other) if other != i => return None, // ambiguous: leave it alone
                        Some(_) => {}
                    }
                }
            }
        }
        found.map(|i| self.word_at(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // proptest runs natively only (see Cargo.toml).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn the_radix_sort_orders_like_the_standard_sort(
            mut pairs in proptest::collection::vec((proptest::num::u32::ANY, 0u32..4), 0..300),
            small in proptest::bool::ANY,
        ) {
            if small {
                // Few distinct hashes whose high bytes agree: duplicates and skipped passes.
                pairs.iter_mut().for_each(|pair| pair.0 %= 600);
            }
            pairs.sort_by_key(|&(_, word)| word); // they arrive with word numbers ascending
            let mut want = pairs.clone();
            want.sort_unstable();
            sort_by_hash(&mut pairs);
            proptest::prop_assert_eq!(pairs, want);
        }
    }

    #[test]
    fn a_related_word_is_read_as_its_pair_and_short_words_are_pairs_only() {
        // "pay" starts at 0, "refund" at 4.
        let mut pairs = vec![(word_key("reimbursement"), 4), (word_key("remit"), 0)];
        pairs.sort_unstable();
        let (keys, words) = pairs.into_iter().unzip();
        let vocab = Vocabulary::from_parts("pay\nrefund\n".to_owned(), keys, words);
        assert_eq!(vocab.correct("reimbursement"), Some("refund"));
        assert_eq!(vocab.correct("remit"), Some("pay"));
        // A word shorter than four letters is there for pairs, not as a typo's fix.
        assert_eq!(vocab.correct("payy"), None);
        assert_eq!(vocab.correct("refnd"), Some("refund"));
    }

    #[test]
    fn related_pairs_from_a_malformed_bundle_only_misread_a_word() {
        // Keys out of order, more keys than words, a word pointing past the text.
        let keys = vec![word_key("zzz"), word_key("remit"), word_key("aaa")];
        let vocab = Vocabulary::from_parts("pay\n".to_owned(), keys, vec![1 << 30]);
        for word in ["zzz", "remit", "aaa", "pay", ""] {
            let _ = vocab.correct(word);
        }
        assert_eq!(vocab.correct("weather"), None);
    }

    #[test]
    fn a_vocabulary_text_from_a_malformed_bundle_still_corrects_its_words() {
        // No newline at the end, an empty word, a word too short to correct, a word longer
        // than any the tokeniser makes (its neighbourhood would take quadratic time).
        let long = "x".repeat(1 << 20);
        let vocab = Vocabulary::from_parts(format!("cancel\n\nab\n{long}\nrefund"), vec![], vec![]);
        assert_eq!(vocab.correct("refnd"), Some("refund"));
        assert_eq!(vocab.correct("cancle"), Some("cancel"));
        assert_eq!(vocab.correct("weather"), None);
        assert_eq!(
            Vocabulary::from_parts(String::new(), vec![], vec![]).correct("refnd"),
            None
        );
    }

    #[test]
    fn one_edit() {
        for (a, b, want) in [
            ("cancle", "cancel", true),
            ("refnd", "refund", true),
            ("shiping", "shipping", true),
            ("recieve", "receive", true),
            ("adress", "address", true),
            ("order", "order", true),
            ("ordre", "order", true),
            ("odrer", "order", true),
            ("refund", "return", false),
            ("abc", "abcde", false),
        ] {
            assert_eq!(within_one_edit(a, b), want, "{a} {b}");
            assert_eq!(within_one_edit(b, a), want, "{b} {a}");
        }
    }

    #[test]
    fn corrections() {
        let vocab = Vocabulary::new(
            [
                "refund", "cancel", "ship", "address", "invoice", "card", "cart",
            ]
            .map(String::from)
            .to_vec(),
        );
        assert_eq!(vocab.correct("refnd"), Some("refund"));
        assert_eq!(vocab.correct("cancle"), Some("cancel"));
        assert_eq!(vocab.correct("adress"), Some("address"));
        assert_eq!(vocab.correct("invoce"), Some("invoice"));
        assert_eq!(
            vocab.correct("carx"),
            None,
            "card and cart are both one edit away"
        );
        assert_eq!(vocab.correct("shp"), None, "too short words are left alone");
        assert_eq!(vocab.correct("weather"), None);
    }
}
