//! Discriminative refinement of entry centroids at build time: a margin perceptron over the
//! FAQ's own utterances, each scored leave-one-out, moves weight from words that entries share
//! to words that tell them apart. Only the build pays; queries read the same postings.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Term keys are already well mixed in their low 32 bits: one multiply spreads them to the
/// high bits too (the map's probe reads those), instead of hashing them again.
#[derive(Default)]
pub(crate) struct TokenHasher(u64);

impl Hasher for TokenHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A sparse vector over term keys ([`crate::index::term_key`], widened).
pub(crate) type Vector = HashMap<u64, f32, BuildHasherDefault<TokenHasher>>;

/// How the refinement runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Refinement {
    /// Passes over the utterances.
    pub epochs: usize,
    /// Step size of one correction.
    pub rate: f32,
    /// The right entry must beat the best wrong one by this much.
    pub margin: f32,
    /// Share of the closest utterance in an entry's score, as in ranking.
    pub best_utterance: f32,
    /// Most rival entries looked at per utterance (those sharing its rarest words), which keeps
    /// the build linear in the FAQ's size.
    pub rivals: usize,
}

impl Default for Refinement {
    /// Tuned on the public dev tracks (English shop, banking, assistant; Chinese shop): top-1
    /// +0.5 to +1.8 points, and more questions answered at the same share of wrong answers.
    fn default() -> Self {
        Refinement {
            epochs: 5,
            rate: 0.05,
            margin: 0.1,
            best_utterance: 0.5,
            rivals: 12,
        }
    }
}

fn dot(x: &Vector, y: &Vector) -> f32 {
    x.iter()
        .map(|(h, w)| w * y.get(h).copied().unwrap_or(0.0))
        .sum()
}

/// Corrects the normalised `centroids` (one per entry, `sums` their unnormalised sums) so that
/// each utterance, left out of its own entry, scores its entry above its closest rivals.
pub(crate) fn refine(
    centroids: &mut [Vector],
    sums: &[Vector],
    utterances: &[(u32, Vector)],
    settings: Refinement,
) {
    let entries = centroids.len();
    if entries < 2 || settings.epochs == 0 {
        return;
    }
    let mut utterances_of: Vec<Vec<usize>> = vec![Vec::new(); entries];
    for (u, (e, _)) in utterances.iter().enumerate() {
        utterances_of[*e as usize].push(u);
    }
    // token → entries whose wording has it, to find rivals through rare tokens first.
    let mut entries_with: HashMap<u64, Vec<u32>, BuildHasherDefault<TokenHasher>> =
        HashMap::default();
    for (e, c) in sums.iter().enumerate() {
        for &h in c.keys() {
            entries_with.entry(h).or_default().push(e as u32);
        }
    }
    let sum_norms2: Vec<f32> = sums
        .iter()
        .map(|s| s.values().map(|w| w * w).sum())
        .collect();
    let mix = settings.best_utterance;
    let mut seen = vec![false; entries];
    for _ in 0..settings.epochs {
        for (u, (own, x)) in utterances.iter().enumerate() {
            let own = *own as usize;
            if utterances_of[own].len() < 2 {
                // Left out, its entry would have no wording at all: nothing to learn from.
                continue;
            }
            let mut tokens: Vec<&Vec<u32>> = x.keys().filter_map(|h| entries_with.get(h)).collect();
            tokens.sort_by_key(|list| list.len());
            let mut rivals: Vec<usize> = Vec::with_capacity(settings.rivals);
            'gather: for list in tokens {
                for &e in list {
                    let e = e as usize;
                    if e != own && !seen[e] {
                        seen[e] = true;
                        rivals.push(e);
                        if rivals.len() == settings.rivals {
                            break 'gather;
                        }
                    }
                }
            }
            rivals.iter().for_each(|&e| seen[e] = false);
            let closest = |e: usize| {
                utterances_of[e]
                    .iter()
                    .filter(|&&v| v != u)
                    .map(|&v| dot(x, &utterances[v].1))
                    .fold(0.0f32, f32::max)
            };
            let score = |e: usize| mix * closest(e) + (1.0 - mix) * dot(x, &centroids[e]);
            let Some((rival, rival_score)) = rivals
                .iter()
                .map(|&e| (e, score(e)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
            else {
                continue;
            };
            // Leave the utterance out of its own centroid: (S·x − x·x) / |S − x| in place of
            // S·x / |S|, keeping what earlier corrections added.
            let sx = dot(x, &sums[own]);
            let xx: f32 = x.values().map(|w| w * w).sum();
            let rest = (sum_norms2[own] - 2.0 * sx + xx).max(0.0).sqrt();
            let mut centroid = dot(x, &centroids[own]) - sx / sum_norms2[own].sqrt().max(1e-6);
            if rest > 1e-6 {
                centroid += (sx - xx) / rest;
            }
            let own_score = mix * closest(own) + (1.0 - mix) * centroid;
            if own_score - rival_score >= settings.margin {
                continue;
            }
            for (&h, &w) in x {
                let step = settings.rate * w;
                *centroids[own].entry(h).or_insert(0.0) += step;
                *centroids[rival].entry(h).or_insert(0.0) -= step;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(tokens: &[(u64, f32)]) -> Vector {
        crate::index::normalized(tokens.iter().copied().collect())
    }

    fn sum(vectors: &[&Vector]) -> Vector {
        let mut out = Vector::default();
        for v in vectors {
            for (&h, &w) in v.iter() {
                *out.entry(h).or_insert(0.0) += w;
            }
        }
        out
    }

    #[test]
    fn shared_words_lose_weight_to_telling_words() {
        // Token 1 ("card") is in every utterance; 2 ("arrive"), 3 ("broken") and 6 ("damaged")
        // tell the entries apart, but "card damaged", left out, looks more like entry 0.
        let card_arrive = [
            vector(&[(1, 1.0), (2, 0.3)]),
            vector(&[(1, 1.0), (2, 0.3), (4, 0.5)]),
            vector(&[(1, 1.0), (5, 0.4)]),
        ];
        let card_broken = [vector(&[(1, 1.0), (3, 1.0)]), vector(&[(1, 1.0), (6, 1.0)])];
        let utterances: Vec<(u32, Vector)> = card_arrive
            .iter()
            .map(|v| (0, v.clone()))
            .chain(card_broken.iter().map(|v| (1, v.clone())))
            .collect();
        let sums = vec![
            sum(&card_arrive.iter().collect::<Vec<_>>()),
            sum(&card_broken.iter().collect::<Vec<_>>()),
        ];
        let before: Vec<Vector> = sums.iter().cloned().map(crate::index::normalized).collect();
        let mut after = before.clone();
        refine(&mut after, &sums, &utterances, Refinement::default());
        let card_and_broken = vector(&[(1, 1.0), (3, 1.0)]);
        let gap = |c: &[Vector]| dot(&card_and_broken, &c[1]) - dot(&card_and_broken, &c[0]);
        assert!(
            gap(&after) > gap(&before),
            "{} !> {}",
            gap(&after),
            gap(&before)
        );
        // The shared word now counts less for the entry that had leaned on it.
        assert!(after[0][&1] < before[0][&1]);
    }
}
