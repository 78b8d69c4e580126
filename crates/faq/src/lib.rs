//! Kefu FAQ matcher: finds the FAQ entry that answers a shopper's question, or says "not sure".
//!
//! Pure Rust with no IO and no panics on any input; compiled into the wasm widget and used
//! natively by the server and the benchmarks.
//!
//! The pipeline, and why:
//! - [`mod@normalize`]: one list of character stages: width folding (full-width → ASCII), case
//!   folding, Traditional → Simplified ([`script`]), separators. Every stage maps one character
//!   to one, so spans into the shopper's text survive for highlighting. A built matcher keeps
//!   only the Traditional → Simplified pairs its FAQ can use, so the widget does not ship the
//!   whole table.
//! - [`mod@tokenize`]: one tokeniser for entries and queries. Chinese as characters plus
//!   character pairs (no dictionary segmenter: jieba and lindera are megabytes of wasm);
//!   Latin words lightly stemmed ([`english`]), word pairs, and character trigrams. A query
//!   word the FAQ does not know is read as the FAQ word closest in meaning, if publishing
//!   paired them (`related`, from English word vectors that never leave the server), or as
//!   the FAQ word one edit away, if there is one (`typo`).
//! - [`mod@index`]: every question, variant and keyword is an *utterance*; tokens are weighted by
//!   kind × tf × idf (idf over entries) and vectors are normalised, so scores are cosines.
//!   Entry centroids are then sharpened at build time by a margin perceptron over the FAQ's own
//!   utterances, each left out of its entry (the `learn` module; it runs only when building).
//! - [`mod@rank`]: an entry's score mixes its closest utterance (how shoppers really ask) with its
//!   centroid (all its wording at once) — weights in [`RankingWeights`] — times the fourth
//!   root of how much of the question the entry covers, so that an entry meeting one word of
//!   the question closely ranks below one that has all of it.
//! - [`Matcher::decide`]: a calibrated confidence from the best match, whether the entry's two
//!   views agree on it, and how much of the question the entry covers ([`DecisionWeights`]);
//!   then *answer*, *suggest* or *decline*. Words the FAQ has never seen count in the query's
//!   norm at the highest idf, so they pull every cosine and the coverage down: that is what
//!   keeps off-topic questions from being answered.

pub mod answer;
pub mod bundle;
pub mod english;
pub mod index;
mod learn;
pub mod normalize;
mod postings;
pub mod rank;
#[cfg(feature = "related")]
mod related;
pub mod script;
mod script_table;
pub mod synthetic;
pub mod tokenize;
mod typo;

use index::Index;
use rank::{Ranking, Scored};
use std::fmt;
use std::ops::Range;
use tokenize::{tokenize_correcting, TokenKind};

/// One FAQ entry in one language.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Entry {
    /// Stable id, e.g. `refund_time`.
    pub id: String,
    /// The canonical question.
    pub question: String,
    /// Other ways shoppers ask the same thing.
    pub variants: Vec<String>,
    /// Extra words or short phrases that point at this entry.
    pub keywords: Vec<String>,
    /// The answer, as plain text (only lightly used for matching).
    pub answer: String,
}

#[cfg(feature = "faq-file")]
impl From<kefu_api::FaqFileEntry> for Entry {
    fn from(e: kefu_api::FaqFileEntry) -> Entry {
        Entry {
            id: e.id,
            question: e.question,
            variants: e.variants,
            keywords: e.keywords,
            answer: e.answer,
        }
    }
}

/// How tokens and fields count. The defaults are what the widget ships.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankingWeights {
    /// A meaningful word. Range 0–2; default 1.0.
    pub word: f32,
    /// A function word ("the", "my", 的). Range 0–1; default 0.2.
    pub stop_word: f32,
    /// Two neighbouring words, or two meaningful words with only function words between.
    /// Range 0–2; default 0.5.
    pub word_pair: f32,
    /// A character trigram of a word, for typos. Range 0–1; default 0.3.
    pub trigram: f32,
    /// One Chinese character. Range 0–1; default 0.5.
    pub han_char: f32,
    /// Two neighbouring Chinese characters. Range 0–2; default 1.0.
    pub han_pair: f32,
    /// A number. Range 0–1; default 0.4.
    pub number: f32,
    /// How much the answer adds to an entry's centroid. Range 0–1; default 0.15.
    pub answer: f32,
    /// Share of the closest utterance in an entry's score; the rest is the centroid.
    /// Range 0–1; default 0.25.
    pub best_utterance: f32,
}

impl Default for RankingWeights {
    fn default() -> Self {
        RankingWeights {
            word: 1.0,
            stop_word: 0.2,
            word_pair: 0.5,
            trigram: 0.3,
            han_char: 0.5,
            han_pair: 1.0,
            number: 0.4,
            answer: 0.15,
            best_utterance: 0.25,
        }
    }
}

impl RankingWeights {
    /// The weight of a token kind.
    pub fn kind(&self, kind: TokenKind) -> f32 {
        match kind {
            TokenKind::Word => self.word,
            TokenKind::StopWord => self.stop_word,
            TokenKind::WordPair => self.word_pair,
            TokenKind::Trigram => self.trigram,
            TokenKind::HanChar => self.han_char,
            TokenKind::HanPair => self.han_pair,
            TokenKind::Number => self.number,
        }
    }

    /// The weight of each kind by its byte (`TokenKind as u8`); 0 for a byte that is no kind.
    pub(crate) fn by_kind_byte(&self) -> [f32; 8] {
        use TokenKind::*;
        let mut weights = [0.0; 8];
        for kind in [Word, StopWord, WordPair, Trigram, HanChar, HanPair, Number] {
            weights[kind as usize] = self.kind(kind);
        }
        weights
    }
}

/// How the confidence is computed and what it takes to answer. The defaults are what the
/// widget ships; they were calibrated once on the public dev tracks, never per FAQ.
///
/// The confidence is `logistic(bias + evidence × ln(s1 × |q| / idf_max) + Chinese + agreements +
/// coverage × ln c)`, where `s1` is the best entry's score (its cosines, softened by its
/// coverage), `|q|` the length of the query vector and `idf_max` the idf of a token no entry
/// has. `s1 × |q|` is the best entry's match *before* dividing by the query's length: a
/// question that meets an entry on many telling words is surer than a short one that meets it
/// on one, even at the same cosine.
/// Dividing by `idf_max` (which grows with the number of entries) keeps it the same for a FAQ
/// of 10 entries and one of 1,000. Chinese, read as characters and pairs, scores lower than
/// English read as words at the same certainty: `h × (chinese + chinese_known × ln k)` is added,
/// `h` being the share of the query's weight (squared) on Chinese characters and pairs and `k`
/// the share on tokens the FAQ knows: a Chinese question always has pairs no entry has (those
/// that straddle two words), an off-topic one has mostly such pairs. An entry is scored two ways,
/// by its closest utterance and by its centroid: `agree_utterance` is added when no other
/// ranked entry has a closer utterance, `agree_centroid` when none has a closer centroid. The
/// two views picking the same winner is a strong sign of a right answer (counted only for
/// a best score of at least `agree_from`). `c` is the share of the query's weight (squared)
/// on tokens the best entry's centroid weighs for: an in-scope question is mostly its entry's
/// words, a question the FAQ does not cover meets its best entry on a word or two and brings
/// the rest itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DecisionWeights {
    /// Logistic bias.
    pub bias: f32,
    /// Weight of the log of the best entry's undivided match.
    pub evidence: f32,
    /// Added for a query all in Chinese.
    pub chinese: f32,
    /// Weight of the log of the share of the query the FAQ knows, for its Chinese part.
    pub chinese_known: f32,
    /// Added when the best entry also has the closest utterance of the ranked entries.
    pub agree_utterance: f32,
    /// Added when the best entry also has the closest centroid of the ranked entries.
    pub agree_centroid: f32,
    /// Weight of the log of the share of the query (its weight, squared) on tokens the best
    /// entry's centroid weighs for.
    pub coverage: f32,
    /// The agreements count only when the best entry scores at least this: a match too weak
    /// to mean anything (an off-topic question meeting one entry on one word) is often the
    /// only one, and agrees with itself. Range 0–1.
    pub agree_from: f32,
    /// Confidence needed to answer. Range 0–1.
    pub answer_at: f32,
    /// Confidence needed to suggest close entries instead of declining. Range 0–1.
    pub suggest_at: f32,
    /// Suggested entries score at least this share of the best. Range 0–1.
    pub suggest_within: f32,
    /// Most entries suggested.
    pub max_suggestions: usize,
}

impl Default for DecisionWeights {
    fn default() -> Self {
        DecisionWeights {
            // Searched by `tools/calibrate.py` (which says how): the direction answers the
            // most in-scope questions on the dev tracks (English shop, banking and assistant
            // intents; Chinese shop) while every track keeps must-decline questions answered
            // ≤ 5 % (Chinese off-topic ≤ 1 %, against the zh-CN and the zh-TW FAQ) and wrong
            // answers ≤ 5 % (shops: ≤ 8 %, question-only shop: ≤ 15 %); its scale and the bias
            // are a logistic regression of "the top entry is right", so confidence reads as a
            // probability. The coverage answers 2–8 points more of the English questions at
            // the same limits (banking .365 → .384, shop .570 → .653); with it, the cosine with
            // the closest utterance and the margin over the runner-up, weighed before, add
            // nothing, and are gone. Since the coverage also ranks (top-1 +0.4 to +0.8 points
            // in English), it weighs less here, for as many answers (within a question; zh-CN
            // one fewer). The agreements, counted only from a best score of 0.12, leave
            // off-topic questions declined, not suggested (counted at any score, 42 % of
            // zh-offtopic got suggestions instead of 5 %).
            bias: 0.311,
            evidence: 1.135,
            // Chinese, read as characters and pairs, scores lower than English read as words
            // at the same certainty. These two are searched last, with the rest fixed.
            chinese: 2.157,
            chinese_known: 0.795,
            agree_utterance: 1.183,
            agree_centroid: 1.009,
            agree_from: 0.12,
            coverage: 0.621,
            answer_at: 0.79751,
            suggest_at: 0.2,
            suggest_within: 0.6,
            max_suggestions: 3,
        }
    }
}

/// Everything that shapes matching.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Config {
    /// Token and field weights.
    pub ranking: RankingWeights,
    /// Confidence and thresholds.
    pub decision: DecisionWeights,
}

/// What the widget should do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Confident: show the first hit's answer.
    Answer,
    /// Unsure: offer the hits as close topics, and a person.
    Suggest,
    /// Nothing fits: say "not sure" and offer a person.
    Decline,
}

/// One matched entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// Index of the entry, in the order the entries were given.
    pub entry: usize,
    /// Its score, `0.0..=1.0`.
    pub score: f32,
    /// Byte spans of the query that matched this entry, for highlighting.
    pub spans: Vec<Range<usize>>,
}

/// The matcher's verdict on one query.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// Calibrated confidence that the first hit answers the query, `0.0..=1.0`.
    pub confidence: f32,
    /// Best first: the answer, the suggestions, or (when declining) the closest entries.
    pub hits: Vec<Hit>,
}

/// A FAQ prepared for matching.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matcher {
    pub(crate) index: Index,
    pub(crate) config: Config,
}

impl Matcher {
    /// Indexes `entries` with the shipped configuration.
    pub fn new(entries: &[Entry]) -> Self {
        Matcher::with_config(entries, Config::default())
    }

    /// Indexes `entries` with `config`.
    pub fn with_config(entries: &[Entry], config: Config) -> Self {
        Matcher {
            index: Index::build(entries, &config.ranking),
            config,
        }
    }

    /// The index, for its statistics.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Ranks every entry for `query`, best first.
    pub fn rank(&self, query: &str) -> Ranking {
        let correct = |stem: &str| self.read_as(stem).map(str::to_owned);
        let tokens = tokenize_correcting(query, &self.index.folding, &correct);
        rank::rank(&self.index, &self.config.ranking, &tokens)
    }

    /// The FAQ word a query word (its stem) is read as, when the FAQ lacks it: the word
    /// closest in meaning, or its typo fix.
    fn read_as(&self, stem: &str) -> Option<&str> {
        let unknown = self.index.term(tokenize::word_hash(stem)).is_none();
        unknown
            .then(|| self.index.vocabulary.correct(stem))
            .flatten()
    }

    /// Decides what to do with `query`. Never panics, whatever the input.
    pub fn decide(&self, query: &str) -> Decision {
        let ranking = self.rank(query);
        let d = &self.config.decision;
        let confidence = self.confidence(&ranking);
        let best = ranking.scored.first().map_or(0.0, |s| s.score);
        let action = if ranking.scored.is_empty() {
            Action::Decline
        } else if confidence >= d.answer_at {
            Action::Answer
        } else if confidence >= d.suggest_at {
            Action::Suggest
        } else {
            Action::Decline
        };
        let hits = ranking
            .scored
            .iter()
            .take_while(|s| s.score >= best * d.suggest_within)
            .take(d.max_suggestions.max(1))
            .map(|s| hit(&ranking, s, &self.index))
            .collect();
        Decision {
            action,
            confidence,
            hits,
        }
    }

    /// The calibrated confidence that the top entry answers the query.
    pub fn confidence(&self, ranking: &Ranking) -> f32 {
        let d = &self.config.decision;
        let Some(x) = self.confidence_inputs(ranking) else {
            return 0.0;
        };
        let z = d.bias
            + d.evidence * x[0]
            + d.chinese * x[1]
            + d.chinese_known * x[2]
            + d.agree_utterance * x[3]
            + d.agree_centroid * x[4]
            + d.coverage * x[5];
        1.0 / (1.0 + (-z).exp())
    }

    /// What the confidence weighs, in the order of its weights ([`DecisionWeights`]: evidence,
    /// chinese, chinese_known, agree_utterance, agree_centroid, coverage); `None` when no
    /// entry was ranked. `cargo xtask eval --dump-features` writes these for
    /// `tools/calibrate.py`.
    pub fn confidence_inputs(&self, ranking: &Ranking) -> Option<[f32; 6]> {
        let first = ranking.scored.first()?;
        let (s1, c1) = (first.score, first.best_utterance);
        // The two views of an entry (its closest utterance, all its wording) agreeing on the
        // winner is a strong sign that it is right; disagreeing, a weak one.
        let counts = s1 >= self.config.decision.agree_from;
        let (mut agree_utterance, mut agree_centroid) = (counts, counts);
        for other in &ranking.scored[1..] {
            agree_utterance &= other.best_utterance <= c1;
            agree_centroid &= other.centroid <= first.centroid;
        }
        let h = ranking.chinese;
        Some([
            floored_ln(s1 * ranking.norm / self.index.unknown_idf),
            h,
            h * floored_ln(ranking.known),
            f32::from(u8::from(agree_utterance)),
            f32::from(u8::from(agree_centroid)),
            floored_ln(first.covered),
        ])
    }

    /// Does now the work loading leaves for later (the typo table), so that the first
    /// question with a typo does not wait for it. The widget calls it once the panel shows.
    pub fn prepare(&self) {
        self.index.vocabulary.prepare();
    }

    /// Why the entries rank as they do, for people tuning a FAQ.
    pub fn explain(&self, query: &str) -> Explanation {
        let ranking = self.rank(query);
        let read_as = ranking
            .terms
            .iter()
            .map(|t| {
                let stem = (t.kind == TokenKind::Word)
                    .then(|| tokenize::word_text(query, t.span.clone(), &self.index.folding))?;
                self.read_as(&stem).map(str::to_owned)
            })
            .collect();
        Explanation {
            query: query.to_owned(),
            confidence: self.confidence(&ranking),
            ranking,
            read_as,
        }
    }
}

/// `ln x`, no lower than `ln 0.001`: a share or a match that small says "nothing".
fn floored_ln(x: f32) -> f32 {
    x.max(1e-3).ln()
}

fn hit(ranking: &Ranking, scored: &Scored, index: &Index) -> Hit {
    let entry = scored.entry;
    let mut spans: Vec<Range<usize>> = ranking
        .terms
        .iter()
        .filter(|t| {
            matches!(
                t.kind,
                TokenKind::Word | TokenKind::HanChar | TokenKind::Number
            )
        })
        .filter(|t| t.term.is_some_and(|i| index.centroid_weighs_for(i, entry)))
        .map(|t| t.span.clone())
        .collect();
    // Terms come in the order of the query, so the spans are already in order.
    spans.dedup();
    Hit {
        entry: scored.entry,
        score: scored.score,
        spans,
    }
}

/// The debug form of a match: the query's tokens and the top entries' score parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The query as given.
    pub query: String,
    /// The ranking, with every part.
    pub ranking: Ranking,
    /// The calibrated confidence.
    pub confidence: f32,
    /// For each of the ranking's terms, the FAQ word a word the FAQ lacks was read as.
    pub read_as: Vec<Option<String>>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "query {:?}: confidence {:.3}, query length {:.3}, {:.0} % of it known to the FAQ, \
             {:.0} % covered by the best entry, {:.0} % Chinese",
            self.query,
            self.confidence,
            self.ranking.norm,
            self.ranking.known * 100.0,
            self.ranking.scored.first().map_or(0.0, |s| s.covered) * 100.0,
            self.ranking.chinese * 100.0
        )?;
        for (i, t) in self.ranking.terms.iter().enumerate() {
            let text = self.query.get(t.span.clone()).unwrap_or("?");
            let known = match (t.term, self.read_as.get(i).cloned().flatten()) {
                (_, Some(word)) => format!("  (read as {word:?})"),
                (Some(_), None) => String::new(),
                (None, None) => "  (unknown to the FAQ)".to_owned(),
            };
            writeln!(
                f,
                "  token {:?} {:?} weight {:.3}{known}",
                t.kind, text, t.weight
            )?;
        }
        for s in self.ranking.scored.iter().take(5) {
            writeln!(
                f,
                "  entry #{}: score {:.3} = closest utterance {:.3} and centroid {:.3}",
                s.entry, s.score, s.best_utterance, s.centroid
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
