//! Ranking: cosine similarity of the query against every utterance and every entry centroid,
//! through the inverted index, mixed into one score per entry and softened by how much of the
//! query the entry covers.

use crate::index::{weighs_for, Index};
use crate::tokenize::{Token, TokenKind};
use crate::RankingWeights;
use std::ops::Range;

/// One query token as the index sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryTerm {
    /// Its kind.
    pub kind: TokenKind,
    /// Where it is in the query (bytes).
    pub span: Range<usize>,
    /// Its weight in the query vector (kind × tf × idf).
    pub weight: f32,
    /// The token's hash.
    pub(crate) hash: u64,
    /// Position in the index dictionary; `None` if no entry contains it.
    pub(crate) term: Option<usize>,
}

/// An entry's score and its parts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Index of the entry.
    pub entry: usize,
    /// The score in `0.0..=1.0`: the two cosines mixed, times the fourth root of `covered`.
    pub score: f32,
    /// Cosine with the entry's closest utterance.
    pub best_utterance: f32,
    /// Cosine with the entry's centroid.
    pub centroid: f32,
    /// Share of the query's weight (squared) on tokens the entry's centroid weighs for,
    /// `0.0..=1.0`.
    pub covered: f32,
}

/// The ranking of one query.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Ranking {
    /// The query's terms, in order of first appearance.
    pub terms: Vec<QueryTerm>,
    /// The best entries with any shared token (at most [`MAX_RANKED`]), best first; ties keep
    /// the entries' order.
    pub scored: Vec<Scored>,
    /// Length of the query vector, unknown tokens included: scores were divided by it.
    pub norm: f32,
    /// Share of the query's weight (squared) on Chinese characters and pairs, `0.0..=1.0`.
    pub chinese: f32,
    /// Share of the query's weight (squared) on tokens some entry has, `0.0..=1.0`.
    pub known: f32,
}

/// How many of the best entries a ranking keeps.
pub const MAX_RANKED: usize = 8;

/// Longest query looked at, in tokens: a question is short, and this bounds the work.
const MAX_QUERY_TOKENS: usize = 512;

/// Ranks every entry for `tokens`.
pub(crate) fn rank(index: &Index, weights: &RankingWeights, tokens: &[Token]) -> Ranking {
    let tokens = &tokens[..tokens.len().min(MAX_QUERY_TOKENS)];
    let mut terms: Vec<QueryTerm> = Vec::new();
    let mut counts: Vec<f32> = Vec::new();
    for t in tokens {
        match terms.iter().position(|q| q.hash == t.hash) {
            Some(i) => counts[i] += 1.0,
            None => {
                terms.push(QueryTerm {
                    kind: t.kind,
                    span: t.start..t.end,
                    weight: 0.0,
                    hash: t.hash,
                    term: index.term(t.hash),
                });
                counts.push(1.0);
            }
        }
    }
    let mut norm2 = 0.0;
    let mut han2 = 0.0;
    let mut known2 = 0.0;
    for (q, count) in terms.iter_mut().zip(&counts) {
        // An unknown word counts at the highest idf; its trigrams and pairs would only count it
        // again (and a corrected typo's trigrams, or a new pairing of known words, say little).
        let unknown = match q.kind {
            TokenKind::Trigram | TokenKind::WordPair => 0.0,
            _ => index.unknown_idf,
        };
        let idf = q.term.map_or(unknown, |i| index.idf[i]);
        q.weight = weights.kind(q.kind) * (1.0 + count.ln()) * idf;
        norm2 += q.weight * q.weight;
        if q.term.is_some() {
            known2 += q.weight * q.weight;
        }
        if matches!(q.kind, TokenKind::HanChar | TokenKind::HanPair) {
            han2 += q.weight * q.weight;
        }
    }
    if norm2 <= 0.0 {
        return Ranking {
            terms,
            ..Ranking::default()
        };
    }
    let norm = norm2.sqrt();

    let entries = index.entry_count();
    let mut utterance_dot = vec![0.0f32; index.utterance_count()];
    // Per entry, the dot with its centroid and the query's weight (squared) on tokens the
    // centroid weighs for, side by side: one bounds check and one cache line for both.
    let mut centroid_dot = vec![(0.0f32, 0.0f32); entries];
    for q in &terms {
        let Some(term) = q.term else { continue };
        add_postings(&mut utterance_dot, index.utterances_with(term), q.weight);
        let weight2 = q.weight * q.weight;
        for &(e, w) in index.entries_with(term) {
            if let Some((dot, covered)) = centroid_dot.get_mut(e as usize) {
                *dot += q.weight * w;
                if weighs_for(w) {
                    *covered += weight2;
                }
            }
        }
    }
    let mix = weights.best_utterance.clamp(0.0, 1.0);
    // Only the best few entries matter; keeping them in a short sorted list avoids sorting all.
    let mut scored: Vec<Scored> = Vec::with_capacity(MAX_RANKED + 1);
    // Plain loops and comparisons: the widget's wasm is optimised for size, and there a
    // closure or `f32::min` per entry is a call. The utterances come entry by entry
    // (`Index::utterance_entry` ascends): each entry's closest one is the largest dot of its
    // run, found as the loop reaches the entry. Dots are never negative, and the bits of
    // floats that are not negative order as integers do: an integer max is one instruction,
    // where the float comparison was a branch that mispredicted half the time.
    let mut u = 0;
    for (e, &(centroid_dot, covered)) in centroid_dot.iter().enumerate() {
        let mut best_bits = 0i32;
        while let (Some(&dot), Some(&of)) = (utterance_dot.get(u), index.utterance_entry.get(u)) {
            if of as usize > e {
                break;
            }
            best_bits = best_bits.max(dot.to_bits() as i32);
            u += 1;
        }
        let best_dot = f32::from_bits(best_bits as u32);
        if centroid_dot <= 0.0 && best_dot <= 0.0 {
            continue;
        }
        let best_utterance = at_most_one(best_dot / norm);
        let centroid = at_most_one(centroid_dot / norm);
        // How much of the question the entry covers (Lucene's coordination factor, softened):
        // an entry that meets one telling word of the question closely ranks below one that
        // meets all of it. × covered^¼: two square roots are two instructions in wasm, a
        // power a call.
        let covered = covered / norm2;
        let score = (mix * best_utterance + (1.0 - mix) * centroid) * covered.sqrt().sqrt();
        if scored.len() == MAX_RANKED && scored.last().is_some_and(|last| last.score >= score) {
            continue; // most entries: not among the best, known with one comparison
        }
        let candidate = Scored {
            entry: e,
            score,
            best_utterance,
            centroid,
            covered,
        };
        let at = scored.partition_point(|s| s.score >= candidate.score);
        if at < MAX_RANKED {
            scored.insert(at, candidate);
            scored.truncate(MAX_RANKED);
        }
    }
    Ranking {
        terms,
        scored,
        norm,
        chinese: han2 / norm2,
        known: known2 / norm2,
    }
}

/// `dots[id] += weight × w` for every posting: the inner loop of every query.
#[inline(always)]
fn add_postings(dots: &mut [f32], postings: &[(u32, f32)], weight: f32) {
    for &(id, w) in postings {
        if let Some(dot) = dots.get_mut(id as usize) {
            *dot += weight * w;
        }
    }
}

/// `x.min(1.0)` for a number that is not NaN, without a call in wasm.
#[inline(always)]
fn at_most_one(x: f32) -> f32 {
    if x < 1.0 {
        x
    } else {
        1.0
    }
}
