//! Ranking: cosine similarity of the query against every utterance and every entry centroid,
//! through the inverted index, mixed into one score per entry.

use crate::index::Index;
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
    /// The mixed score in `0.0..=1.0`.
    pub score: f32,
    /// Cosine with the entry's closest utterance.
    pub best_utterance: f32,
    /// Cosine with the entry's centroid.
    pub centroid: f32,
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
    let mut centroid_dot = vec![0.0f32; entries];
    for q in &terms {
        let Some(term) = q.term else { continue };
        let postings = &index.postings[term];
        for &(u, w) in &postings.utterances {
            utterance_dot[u as usize] += q.weight * w;
        }
        for &(e, w) in &postings.entries {
            centroid_dot[e as usize] += q.weight * w;
        }
    }
    let mut best = vec![0.0f32; entries];
    for (u, dot) in utterance_dot.iter().enumerate() {
        let e = index.utterance_entry[u] as usize;
        if *dot > best[e] {
            best[e] = *dot;
        }
    }
    let mix = weights.best_utterance.clamp(0.0, 1.0);
    // Only the best few entries matter; keeping them in a short sorted list avoids sorting all.
    let mut scored: Vec<Scored> = Vec::with_capacity(MAX_RANKED + 1);
    for e in (0..entries).filter(|&e| centroid_dot[e] > 0.0 || best[e] > 0.0) {
        let best_utterance = (best[e] / norm).min(1.0);
        let centroid = (centroid_dot[e] / norm).min(1.0);
        let candidate = Scored {
            entry: e,
            score: mix * best_utterance + (1.0 - mix) * centroid,
            best_utterance,
            centroid,
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
    }
}
