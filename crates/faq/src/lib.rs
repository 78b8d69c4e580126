//! Kefu FAQ matcher: finds the FAQ entry that answers a shopper's question, or says "not sure".
//!
//! This crate is pure Rust with no IO, compiled into the wasm widget and used natively by the
//! server and the benchmarks. Its public shape is fixed here; the ranking itself is built in
//! the matcher issue. Until then the matcher knows no entry well enough to answer, so every
//! query is honestly declined: it never guesses.
//!
//! Design decisions (kept when the ranking lands):
//! - one `tokenize()` serves FAQ entries and queries alike;
//! - no dictionary segmenter (jieba and lindera are megabytes of wasm);
//! - the matcher never panics on any input and never does IO.

/// One FAQ entry in one language.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Entry {
    /// Stable id, e.g. `refund_time`.
    pub id: String,
    /// The canonical question.
    pub question: String,
    /// Other ways shoppers ask the same thing.
    pub variants: Vec<String>,
    /// Extra words that point at this entry.
    pub keywords: Vec<String>,
    /// The answer, as plain text.
    pub answer: String,
}

/// What the widget should do with a query.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Decision {
    /// Confident: show this entry's answer.
    Answer {
        /// Index into the FAQ's entries.
        entry: usize,
        /// Calibrated confidence in `0.0..=1.0`.
        confidence: f32,
    },
    /// Unsure: offer these close entries (best first) and a person.
    Suggest {
        /// Indexes into the FAQ's entries.
        entries: Vec<usize>,
    },
    /// Nothing fits: say "not sure" and offer a person.
    Decline,
}

/// A FAQ prepared for matching.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    entries: Vec<Entry>,
}

impl Matcher {
    /// Prepares `entries` for matching.
    pub fn new(entries: Vec<Entry>) -> Self {
        Matcher { entries }
    }

    /// The entries, in the order they were given.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Decides what to do with `query`. Never panics, whatever the input.
    pub fn decide(&self, query: &str) -> Decision {
        let _ = query;
        Decision::Decline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matcher_without_ranking_declines_instead_of_guessing() {
        let matcher = Matcher::new(vec![Entry {
            id: "refund".into(),
            question: "退款多久到账".into(),
            ..Entry::default()
        }]);
        assert_eq!(matcher.decide("你好"), Decision::Decline);
        assert_eq!(matcher.decide(""), Decision::Decline);
        assert_eq!(matcher.entries().len(), 1);
    }
}
