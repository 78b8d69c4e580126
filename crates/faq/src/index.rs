//! The search index: inverted lists from token hashes to weighted utterances and entries,
//! built once (at publish time) and read by every query.
//!
//! Each entry contributes several *utterances*: its question, each variant and each keyword.
//! A token's weight in an utterance is `kind weight × (1 + ln tf) × idf`, where idf is computed
//! over entries, and each utterance vector is L2-normalised, so a dot product with a query
//! vector is a cosine. Each entry also gets a *centroid*: the normalised sum of its utterance
//! vectors plus a little of its answer, then sharpened at build time (a leave-one-out margin
//! perceptron) so that words entries share count less than words that tell them apart. Both
//! kinds of postings live in one term dictionary.

use crate::normalize::normalize_chars;
use crate::postings::{weight_byte, weight_of_byte, Payload, PostingLists};
use crate::script::Folding;
use crate::tokenize::{tokenize, word_text, Token, TokenKind, HAN_STOP_CHARS};
use crate::typo::Vocabulary;
use crate::{Entry, RankingWeights};
use std::collections::HashMap;
use std::collections::HashSet;

/// Postings of one token while an index is built: which utterances and entries contain it,
/// with normalised weights.
#[derive(Clone, Debug, Default, PartialEq)]
struct Postings {
    /// `(utterance, times the token occurs in it)`, by utterance.
    utterances: Vec<(u32, u8)>,
    /// `(entry, weight)` in the entry centroids, by entry.
    entries: Vec<(u32, f32)>,
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
    /// Each term's kind ([`TokenKind`] as a byte).
    pub(crate) kinds: Vec<u8>,
    /// The ranking weight of each kind, by its byte (0 for a byte that is no kind).
    pub(crate) kind_weights: [f32; 8],
    /// For each term, the utterances that contain it.
    pub(crate) utterance_postings: PostingLists,
    /// For each term, the entry centroids that weigh it.
    pub(crate) entry_postings: PostingLists,
    /// The entry each utterance belongs to, ascending: an entry's utterances come together,
    /// which ranking relies on to find each entry's closest one in a single pass.
    pub(crate) utterance_entry: Vec<u32>,
    /// The length of each utterance's vector before normalising ([`utterance_weight`]).
    pub(crate) utterance_lengths: Vec<f32>,
    /// Entries indexed.
    pub(crate) entry_count: u32,
    /// idf of a token no entry contains: the most informative a token can be.
    pub(crate) unknown_idf: f32,
    /// The entries' words, for typo correction.
    pub(crate) vocabulary: Vocabulary,
    /// Traditional → Simplified pairs for the characters the entries use.
    pub(crate) folding: Folding,
}

/// Whether a centroid weight counts *for* its entry: a positive one. A term a centroid weighs
/// against (the refinement's doing) tells another entry from it, so it is no part of what the
/// entry covers, in ranking or in highlighting.
#[inline(always)]
pub(crate) fn weighs_for(centroid_weight: f32) -> bool {
    centroid_weight > 0.0
}

/// BM25's idf, always positive.
fn idf(entries: f32, df: f32) -> f32 {
    (1.0 + (entries - df + 0.5) / (df + 0.5)).ln()
}

/// Term key (widened), kind, kind-weighted term frequency and the count it comes from (at
/// most 255), sorted by key.
type WeightedTf = Vec<(u64, TokenKind, f32, u8)>;

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

/// Term frequencies of `tokens`, weighted by kind.
fn kind_weighted_tf(tokens: &[Token], weights: &RankingWeights) -> WeightedTf {
    let mut tf: HashMap<u64, (TokenKind, f32)> = HashMap::new();
    for t in tokens {
        let key = u64::from(term_key(t.hash));
        tf.entry(key).or_insert((t.kind, 0.0)).1 += 1.0;
    }
    let mut out: WeightedTf = tf
        .into_iter()
        .map(|(hash, (kind, count))| {
            let count = count.min(255.0);
            (
                hash,
                kind,
                weights.kind(kind) * (1.0 + count.ln()),
                count as u8,
            )
        })
        .collect();
    out.sort_unstable_by_key(|&(hash, ..)| hash);
    out
}

/// An utterance posting's weight: kind weight × (1 + ln count) × idf, over the length of the
/// utterance's vector (0 for a length of 0). The bundle ships the count, the term's kind and
/// idf and the utterance's length, not the weight: a third fewer bytes for each utterance
/// posting, and building and querying compute the weight alike, here.
pub(crate) fn utterance_weight(kind_weight: f32, count: u8, idf: f32, length: f32) -> f32 {
    // A count of 0 comes only from a malformed bundle: read as once, not as ln 0 = -inf.
    let weight = kind_weight * (1.0 + f32::from(count.max(1)).ln()) * idf;
    if length > 0.0 {
        weight / length
    } else {
        0.0
    }
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
                        .map(|t| word_text(text, t.start..t.end, &full)),
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
            for &(hash, ..) in tf {
                if last_entry.insert(hash, *e) != Some(*e) {
                    *df.entry(hash).or_insert(0) += 1;
                }
            }
        }
        let n = entries.len().max(1) as f32;
        let idf_of = |hash: u64| idf(n, df.get(&hash).copied().unwrap_or(0) as f32);

        // A term's kind is that of its first token: the kind is part of a token's hash, so
        // tokens of two kinds share a key only if their hashes collide.
        let mut kinds: HashMap<u64, TokenKind> = HashMap::new();
        for (_, tf) in &utterances {
            for &(hash, kind, ..) in tf {
                kinds.entry(hash).or_insert(kind);
            }
        }
        let kind_weights = weights.by_kind_byte();
        // The utterance weights a query reads, as it computes them (see `utterance_weight`).
        let shipped_weight = |hash: u64, count: u8, length: f32| {
            let kind = kinds.get(&hash).map_or(0, |&k| k as usize);
            let idf = to_bf16_precision(idf_of(hash));
            utterance_weight(kind_weights[kind], count, idf, length)
        };
        // Each utterance as a normalised vector: what the centroids sum and learn from.
        let utterance_vectors: Vec<(u32, Vector)> = utterances
            .iter()
            .map(|(e, tf)| {
                (
                    *e,
                    normalized(tf.iter().map(|&(h, _, w, _)| (h, w * idf_of(h))).collect()),
                )
            })
            .collect();
        let mut postings: HashMap<u64, Postings> = HashMap::new();
        let mut centroids: Vec<Vector> = vec![Vector::default(); entries.len()];
        for (e, v) in &utterance_vectors {
            for (&hash, &w) in v {
                *centroids[*e as usize].entry(hash).or_insert(0.0) += w;
            }
        }
        let mut utterance_lengths = Vec::with_capacity(utterances.len());
        for (u, (_, tf)) in utterances.iter().enumerate() {
            let squares = tf
                .iter()
                .map(|&(h, _, _, c)| shipped_weight(h, c, 1.0).powi(2));
            utterance_lengths.push(to_bf16_precision(squares.sum::<f32>().sqrt()));
            for &(hash, _, _, count) in tf {
                let list = &mut postings.entry(hash).or_default().utterances;
                list.push((u as u32, count));
            }
        }
        for (e, answer) in answers.iter().enumerate() {
            // Answer words describe the entry but are not how shoppers ask: a light touch,
            // and only for words the questions also use somewhere in the FAQ.
            let v = normalized(
                answer
                    .iter()
                    .filter(|&&(h, ..)| df.contains_key(&h))
                    .map(|&(h, _, w, _)| (h, w * idf_of(h)))
                    .collect(),
            );
            let questions = centroids[e].len().max(1) as f32;
            for (hash, w) in v {
                *centroids[e].entry(hash).or_insert(0.0) += weights.answer * w * questions.sqrt();
            }
        }
        let sums = centroids;
        let mut centroids: Vec<Vector> = sums.iter().cloned().map(normalized).collect();
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
        }
        // The lists are held as the bundle ships them, so the built index is the loaded one.
        let mut utterance_postings = PostingLists::new(Payload::Count);
        let mut entry_postings = PostingLists::new(Payload::Byte);
        for (_, p) in &terms {
            utterance_postings.push(p.utterances.iter().copied());
            entry_postings.push(p.entries.iter().map(|&(e, w)| (e, weight_byte(w))));
        }
        Index {
            idf: terms
                .iter()
                .map(|(h, _)| to_bf16_precision(idf_of(*h)))
                .collect(),
            hashes: terms.iter().map(|(h, _)| *h as u32).collect(),
            kinds: terms
                .iter()
                .map(|(h, _)| kinds.get(h).map_or(0, |&k| k as u8))
                .collect(),
            kind_weights,
            utterance_lengths,
            utterance_postings,
            entry_postings,
            utterance_entry: utterances.iter().map(|(e, _)| *e).collect(),
            entry_count: entries.len() as u32,
            unknown_idf: idf(n, 0.0),
            vocabulary: Vocabulary::new(words),
            // Function characters fold even when the FAQ never uses them: 嗎 unfolded would be
            // a rare, telling character, where 吗 says nothing.
            folding: full.keep(|c| used_chars.contains(&c) || HAN_STOP_CHARS.contains(c)),
        }
    }

    /// Term `term`'s utterances and their weights (decoded on first use).
    pub(crate) fn utterances_with(&self, term: usize) -> &[(u32, f32)] {
        let kind = self.kinds.get(term).map_or(0, |&k| usize::from(k));
        let kind_weight = self.kind_weights.get(kind).copied().unwrap_or(0.0);
        let idf = self.idf.get(term).copied().unwrap_or(0.0);
        self.utterance_postings.get(term, &|u, count| {
            let length = self.utterance_lengths.get(u as usize);
            utterance_weight(kind_weight, count, idf, length.copied().unwrap_or(0.0))
        })
    }

    /// Term `term`'s entry centroids and their weights (decoded on first use).
    pub(crate) fn entries_with(&self, term: usize) -> &[(u32, f32)] {
        self.entry_postings
            .get(term, &|_, byte| weight_of_byte(byte))
    }

    /// Whether the centroid of `entry` weighs for `term` ([`weighs_for`]), as ranking's
    /// coverage counts it.
    pub(crate) fn centroid_weighs_for(&self, term: usize, entry: usize) -> bool {
        let postings = self.entries_with(term);
        postings
            .binary_search_by_key(&entry, |&(e, _)| e as usize)
            .is_ok_and(|at| weighs_for(postings[at].1))
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

    /// Number of words the FAQ lacks that are read as a FAQ word close in meaning.
    pub fn related_count(&self) -> usize {
        self.vocabulary.related().0.len()
    }

    /// Number of postings: `(utterance postings, entry postings)`.
    pub fn posting_count(&self) -> (usize, usize) {
        (self.utterance_postings.count(), self.entry_postings.count())
    }
}

#[cfg(test)]
mod tests {
    use super::utterance_weight;

    #[test]
    fn an_utterance_weight_is_kind_times_log_count_times_idf_over_the_length() {
        assert_eq!(utterance_weight(2.0, 1, 3.0, 4.0), 1.5);
        let twice = utterance_weight(1.0, 2, 1.0, 1.0);
        assert!((twice - (1.0 + 2f32.ln())).abs() < 1e-6, "{twice}");
        // A length of 0 weighs nothing; a count of 0 (only in a malformed bundle) reads as
        // once rather than as ln 0 = -inf.
        assert_eq!(utterance_weight(1.0, 1, 1.0, 0.0), 0.0);
        assert_eq!(utterance_weight(1.0, 0, 2.0, 1.0), 2.0);
    }
}
