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
use crate::postings::{to_bf16_precision, PostingLists, WeightCodec};
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
        }
        // The lists hold weights at the precision the bundle ships, so the built index is the
        // loaded one.
        let mut utterance_postings = PostingLists::new(WeightCodec::Bf16);
        let mut entry_postings = PostingLists::new(WeightCodec::Byte);
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
        (self.utterance_postings.count(), self.entry_postings.count())
    }
}
