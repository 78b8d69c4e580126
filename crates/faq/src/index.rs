//! The search index: inverted lists from token hashes to weighted utterances and entries,
//! built once (at publish time) and read by every query.
//!
//! Each entry contributes several *utterances*: its question, each variant and each keyword.
//! A token's weight in an utterance is `kind weight × (1 + ln tf) × idf`, where idf is computed
//! over entries, and each utterance vector is L2-normalised, so a dot product with a query
//! vector is a cosine. Each entry also gets a *centroid*: the normalised sum of its utterance
//! vectors plus a little of its answer, then sharpened at build time (a leave-one-out margin perceptron) so that words entries
//! share count less than words that tell them apart. Both kinds of postings live in one term
//! dictionary.

use crate::normalize::normalize_chars;
use crate::script::Folding;
use crate::tokenize::{tokenize, word_text, Token, TokenKind};
use crate::typo::Vocabulary;
use crate::{Entry, RankingWeights};
use std::collections::HashMap;
use std::collections::HashSet;

/// Postings of one token while an index is built: which utterances and entries contain it,
/// with normalised weights.
#[derive(Clone, Debug, Default, PartialEq)]
struct Postings {
    /// `(utterance, weight)`, by utterance.
    utterances: Vec<(u32, f32)>,
    /// `(entry, weight)` in the entry centroids, by entry.
    entries: Vec<(u32, f32)>,
}

/// The posting lists of every term, end to end in one array: `(id, weight)` by id within a
/// list. One allocation instead of one per term, so loading a bundle is quick and a query
/// reads memory in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct PostingLists {
    /// Where each term's list ends in `items` (it starts where the previous one ends).
    ends: Vec<u32>,
    items: Vec<(u32, f32)>,
}

impl PostingLists {
    /// Room for `terms` lists of `items` postings in all.
    pub fn with_capacity(terms: usize, items: usize) -> Self {
        PostingLists {
            ends: Vec::with_capacity(terms),
            items: Vec::with_capacity(items),
        }
    }

    /// Appends the next term's list.
    pub fn push(&mut self, list: impl IntoIterator<Item = (u32, f32)>) {
        self.items.extend(list);
        self.ends.push(self.items.len() as u32);
    }

    /// Lists read from a bundle: where each ends in `items`. `None` unless the ends ascend
    /// and the last is the end of `items`.
    pub fn from_parts(ends: Vec<u32>, items: Vec<(u32, f32)>) -> Option<Self> {
        let ascending = ends.windows(2).all(|w| w[0] <= w[1]);
        let whole = ends.last().map_or(0, |&e| e as usize) == items.len();
        (ascending && whole).then_some(PostingLists { ends, items })
    }

    /// The list of term `term` (empty past the end).
    pub fn get(&self, term: usize) -> &[(u32, f32)] {
        let start = match term.checked_sub(1) {
            Some(previous) => self.ends.get(previous).map_or(usize::MAX, |&e| e as usize),
            None => 0,
        };
        let end = self.ends.get(term).map_or(0, |&e| e as usize);
        self.items.get(start..end).unwrap_or(&[])
    }

    /// Whether every id is below `limit`. Ids ascend within a list, so only the last of each
    /// list is looked at.
    pub fn ids_below(&self, limit: u32) -> bool {
        let lists = (0..self.ends.len()).map(|term| self.get(term));
        lists.filter_map(<[_]>::last).all(|&(id, _)| id < limit)
    }

    /// Every posting of every list.
    pub fn all(&self) -> &[(u32, f32)] {
        &self.items
    }
}

/// The index's key for a token: its 64-bit hash folded to 32 bits. Half the dictionary's
/// memory and bundle bytes; with tens of thousands of terms, the chance that a query token
/// falls on a term it is not is about one in 100,000.
pub(crate) fn term_key(hash: u64) -> u32 {
    (hash ^ (hash >> 32)) as u32
}

/// A built index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Index {
    /// Term keys ([`term_key`]), sorted; `postings[i]` belongs to `hashes[i]`.
    pub(crate) hashes: Vec<u32>,
    pub(crate) idf: Vec<f32>,
    /// For each term, the utterances that contain it.
    pub(crate) utterance_postings: PostingLists,
    /// For each term, the entry centroids that weigh it.
    pub(crate) entry_postings: PostingLists,
    /// The entry each utterance belongs to.
    pub(crate) utterance_entry: Vec<u32>,
    /// Entries indexed.
    pub(crate) entry_count: u32,
    /// idf of a token no entry contains: the most informative a token can be.
    pub(crate) unknown_idf: f32,
    /// The entries' words, for typo correction.
    pub(crate) vocabulary: Vocabulary,
    /// Traditional → Simplified pairs for the characters the entries use.
    pub(crate) folding: Folding,
}

/// BM25's idf, always positive.
fn idf(entries: f32, df: f32) -> f32 {
    (1.0 + (entries - df + 0.5) / (df + 0.5)).ln()
}

/// Term key (widened), kind and kind-weighted term frequency, sorted by key.
type WeightedTf = Vec<(u64, TokenKind, f32)>;

/// A sparse vector over token hashes.
use crate::learn::Vector;

/// Entry-centroid weights smaller than this are dropped: a third fewer entry postings (and
/// bundle bytes) for a change in ranking within ±0.4 points on every benchmark track.
const CENTROID_PRUNE_BELOW: f32 = 0.02;

/// `v` rounded (to nearest, ties to even) to bfloat16: 8 bits of mantissa, about 0.4 %. The
/// bundle stores weights in 2 bytes; ranking cannot tell the difference.
pub(crate) fn to_bf16_precision(v: f32) -> f32 {
    let bits = v.to_bits();
    let rounded = bits.wrapping_add(0x7FFF + ((bits >> 16) & 1)) & 0xFFFF_0000;
    if v.is_finite() {
        f32::from_bits(rounded)
    } else {
        v
    }
}

/// An entry-centroid weight as the bundle ships it, in one byte: a sign bit, a 3-bit exponent
/// (2^-7 … 2^0) and 4 bits of mantissa, about 3 % apart; bytes 0 and 0x80 are zero. Weights of
/// normalised vectors lie within ±1, and rounding them so moves the benchmark tracks' top-1 by
/// at most 0.3 points, for half the bytes of bfloat16. (Computed, not a table: a table would be
/// a kilobyte of the widget's wasm.)
pub(crate) fn weight_of_byte(byte: u8) -> f32 {
    let byte = u32::from(byte);
    if byte & 0x7F == 0 {
        return 0.0;
    }
    let exponent = 127 - 7 + ((byte >> 4) & 7);
    f32::from_bits((byte >> 7) << 31 | exponent << 23 | (byte & 15) << 19)
}

/// The byte whose weight is nearest `v` (ties to the smaller magnitude; NaN is zero).
pub(crate) fn weight_byte(v: f32) -> u8 {
    // Bytes 0..128 are the magnitudes, ascending: `above` is the first not below `m`.
    let m = v.abs();
    let above = (0..127u8).filter(|&b| weight_of_byte(b) < m).count() as u8;
    let below = above.saturating_sub(1);
    let nearest = if m - weight_of_byte(below) <= weight_of_byte(above) - m {
        below
    } else {
        above
    };
    let sign = if v < 0.0 && nearest != 0 { 0x80 } else { 0 };
    nearest | sign
}

/// `v` at the precision the bundle ships entry-centroid weights in.
pub(crate) fn to_weight_precision(v: f32) -> f32 {
    weight_of_byte(weight_byte(v))
}

/// Term frequencies of `tokens`, weighted by kind.
fn kind_weighted_tf(tokens: &[Token], weights: &RankingWeights) -> WeightedTf {
    let mut tf: HashMap<u64, (TokenKind, f32)> = HashMap::new();
    for t in tokens {
        let key = u64::from(term_key(t.hash));
        tf.entry(key).or_insert((t.kind, 0.0)).1 += 1.0;
    }
    let mut out: Vec<(u64, TokenKind, f32)> = tf
        .into_iter()
        .map(|(hash, (kind, count))| (hash, kind, weights.kind(kind) * (1.0 + count.ln())))
        .collect();
    out.sort_unstable_by_key(|&(hash, _, _)| hash);
    out
}

pub(crate) fn normalized(mut v: Vector) -> Vector {
    let norm = v.values().map(|w| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.values_mut().for_each(|w| *w /= norm);
    }
    v
}

impl Index {
    /// Indexes `entries` with `weights`.
    pub fn build(entries: &[Entry], weights: &RankingWeights) -> Index {
        // Tokenise every utterance once.
        let mut utterances: Vec<(u32, WeightedTf)> = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let full = Folding::full();
        let mut used_chars: HashSet<char> = HashSet::new();
        let mut answers: Vec<WeightedTf> = Vec::with_capacity(entries.len());
        for (e, entry) in entries.iter().enumerate() {
            let e = e as u32;
            let texts = std::iter::once(&entry.question)
                .chain(&entry.variants)
                .chain(&entry.keywords);
            for text in texts {
                let tokens = tokenize(text, &full);
                words.extend(
                    tokens
                        .iter()
                        .filter(|t| t.kind == TokenKind::Word)
                        .map(|t| word_text(text, t, &full)),
                );
                used_chars.extend(normalize_chars(text, &full).flatten().map(|n| n.c));
                let tf = kind_weighted_tf(&tokens, weights);
                if !tf.is_empty() {
                    utterances.push((e, tf));
                }
            }
            answers.push(kind_weighted_tf(&tokenize(&entry.answer, &full), weights));
        }

        // Entry-level document frequency over questions, variants and keywords.
        let mut df: HashMap<u64, u32> = HashMap::new();
        let mut last_entry: HashMap<u64, u32> = HashMap::new();
        for (e, tf) in &utterances {
            for &(hash, _, _) in tf {
                if last_entry.insert(hash, *e) != Some(*e) {
                    *df.entry(hash).or_insert(0) += 1;
                }
            }
        }
        let n = entries.len().max(1) as f32;
        let idf_of = |hash: u64| idf(n, df.get(&hash).copied().unwrap_or(0) as f32);

        let mut postings: HashMap<u64, Postings> = HashMap::new();
        let mut centroids: Vec<Vector> = vec![Vector::default(); entries.len()];
        for (u, (e, tf)) in utterances.iter().enumerate() {
            let v = normalized(tf.iter().map(|&(h, _, w)| (h, w * idf_of(h))).collect());
            for (&hash, &w) in &v {
                postings
                    .entry(hash)
                    .or_default()
                    .utterances
                    .push((u as u32, w));
                *centroids[*e as usize].entry(hash).or_insert(0.0) += w;
            }
        }
        for (e, answer) in answers.iter().enumerate() {
            // Answer words describe the entry but are not how shoppers ask: a light touch,
            // and only for words the questions also use somewhere in the FAQ.
            let v = normalized(
                answer
                    .iter()
                    .filter(|&&(h, _, _)| df.contains_key(&h))
                    .map(|&(h, _, w)| (h, w * idf_of(h)))
                    .collect(),
            );
            let questions = centroids[e].len().max(1) as f32;
            for (hash, w) in v {
                *centroids[e].entry(hash).or_insert(0.0) += weights.answer * w * questions.sqrt();
            }
        }
        let sums = centroids;
        let mut centroids: Vec<Vector> = sums.iter().cloned().map(normalized).collect();
        let utterance_vectors: Vec<(u32, Vector)> = utterances
            .iter()
            .map(|(e, tf)| {
                (
                    *e,
                    normalized(tf.iter().map(|&(h, _, w)| (h, w * idf_of(h))).collect()),
                )
            })
            .collect();
        crate::learn::refine(
            &mut centroids,
            &sums,
            &utterance_vectors,
            crate::learn::Refinement {
                best_utterance: weights.best_utterance,
                ..crate::learn::Refinement::default()
            },
        );
        for (e, centroid) in centroids.into_iter().enumerate() {
            let kept = centroid
                .into_iter()
                .filter(|(_, w)| w.abs() >= CENTROID_PRUNE_BELOW);
            for (hash, w) in kept {
                postings
                    .entry(hash)
                    .or_default()
                    .entries
                    .push((e as u32, w));
            }
        }

        let mut terms: Vec<(u64, Postings)> = postings.into_iter().collect();
        terms.sort_unstable_by_key(|(hash, _)| *hash);
        for (_, p) in &mut terms {
            p.utterances.sort_unstable_by_key(|&(u, _)| u);
            p.entries.sort_unstable_by_key(|&(e, _)| e);
            // Stored at the precision the bundle ships, so the built index is the loaded one.
            for (_, w) in &mut p.utterances {
                *w = to_bf16_precision(*w);
            }
            for (_, w) in &mut p.entries {
                *w = to_weight_precision(*w);
            }
        }
        let total = |list: fn(&Postings) -> usize| terms.iter().map(|(_, p)| list(p)).sum();
        let mut utterance_postings =
            PostingLists::with_capacity(terms.len(), total(|p| p.utterances.len()));
        let mut entry_postings =
            PostingLists::with_capacity(terms.len(), total(|p| p.entries.len()));
        for (_, p) in &terms {
            utterance_postings.push(p.utterances.iter().copied());
            entry_postings.push(p.entries.iter().copied());
        }
        Index {
            idf: terms
                .iter()
                .map(|(h, _)| to_bf16_precision(idf_of(*h)))
                .collect(),
            hashes: terms.iter().map(|(h, _)| *h as u32).collect(),
            utterance_postings,
            entry_postings,
            utterance_entry: utterances.iter().map(|(e, _)| *e).collect(),
            entry_count: entries.len() as u32,
            unknown_idf: idf(n, 0.0),
            vocabulary: Vocabulary::new(words),
            folding: full.keep(|c| used_chars.contains(&c)),
        }
    }

    /// The position of a token (by its hash) in the dictionary.
    pub(crate) fn term(&self, hash: u64) -> Option<usize> {
        self.hashes.binary_search(&term_key(hash)).ok()
    }

    /// Number of entries indexed.
    pub fn entry_count(&self) -> usize {
        self.entry_count as usize
    }

    /// Number of utterances (questions, variants, keywords) indexed.
    pub fn utterance_count(&self) -> usize {
        self.utterance_entry.len()
    }

    /// Number of distinct tokens.
    pub fn term_count(&self) -> usize {
        self.hashes.len()
    }

    /// Number of postings: `(utterance postings, entry postings)`.
    pub fn posting_count(&self) -> (usize, usize) {
        (
            self.utterance_postings.all().len(),
            self.entry_postings.all().len(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{to_weight_precision, weight_byte, weight_of_byte, PostingLists};

    #[test]
    fn a_weight_byte_is_the_nearest_of_the_256_and_reads_back_as_itself() {
        for byte in 0..=255u8 {
            let w = weight_of_byte(byte);
            let expected = if byte & 0x7F == 0 { 0 } else { byte };
            assert_eq!(weight_byte(w), expected, "byte {byte:#x} = {w}");
        }
        assert_eq!(to_weight_precision(0.5), 0.5);
        assert_eq!(to_weight_precision(-1.0), -1.0);
        assert_eq!(to_weight_precision(0.3), 0.296875); // 1.1875 × 2^-2; 0.3125 is further
        assert_eq!(to_weight_precision(f32::NAN), 0.0);
        assert_eq!(to_weight_precision(7.0), 1.9375);
        assert_eq!(to_weight_precision(1e-9), 0.0);
        // Within 3.2 % from the smallest weight (0.0083) up.
        for i in 9..1000 {
            let v = i as f32 / 1000.0;
            assert!((to_weight_precision(v) - v).abs() <= v * 0.032, "{v}");
        }
    }

    #[test]
    fn each_term_gets_its_own_list_and_nothing_past_the_end() {
        let mut lists = PostingLists::with_capacity(3, 3);
        lists.push([(0, 1.0), (4, 0.5)]);
        lists.push([]);
        lists.push([(2, 0.25)]);
        assert_eq!(lists.get(0), &[(0, 1.0), (4, 0.5)]);
        assert_eq!(lists.get(1), &[]);
        assert_eq!(lists.get(2), &[(2, 0.25)]);
        assert_eq!(lists.get(3), &[]);
        assert_eq!(lists.get(usize::MAX), &[]);
        assert_eq!(lists.all().len(), 3);
        assert!(lists.ids_below(5));
        assert!(!lists.ids_below(4));
    }
}
