//! Suggestions while typing: the closest FAQ questions, with the words the shopper typed marked.

use std::ops::Range;

/// One suggested FAQ question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The FAQ question.
    pub question: String,
    /// Byte ranges of `question` to mark, in order and not overlapping.
    pub marks: Vec<Range<usize>>,
}

/// Most suggestions shown.
pub const MAX_SUGGESTIONS: usize = 3;

/// Shortest text (in characters) that gets suggestions.
pub const MIN_CHARS: usize = 2;

impl Suggestion {
    /// `question` with the `matched` pieces of the shopper's text marked wherever they occur
    /// (ASCII case ignored).
    pub fn new(question: &str, matched: &[&str]) -> Suggestion {
        let lower = question.to_ascii_lowercase();
        let mut marks: Vec<Range<usize>> = Vec::new();
        for piece in matched {
            let piece = piece.trim().to_ascii_lowercase();
            if piece.is_empty() {
                continue;
            }
            let mut from = 0;
            while let Some(at) = lower[from..].find(&piece) {
                let start = from + at;
                marks.push(start..start + piece.len());
                from = start + piece.len();
            }
        }
        // A handful of ranges: an insertion sort keeps the wasm free of a sort routine.
        for i in 1..marks.len() {
            let mut j = i;
            while j > 0 && (marks[j].start, marks[j].end) < (marks[j - 1].start, marks[j - 1].end) {
                marks.swap(j, j - 1);
                j -= 1;
            }
        }
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(marks.len());
        for r in marks {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Suggestion {
            question: question.to_owned(),
            marks: merged,
        }
    }

    /// The question cut into `(text, marked)` pieces, in order.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for r in &self.marks {
            if r.start > at {
                out.push((&self.question[at..r.start], false));
            }
            out.push((&self.question[r.clone()], true));
            at = r.end;
        }
        if at < self.question.len() {
            out.push((&self.question[at..], false));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_are_marked_in_the_question() {
        let s = Suggestion::new("How long does a Refund take?", &["refund", "take", "xyz"]);
        assert_eq!(
            s.pieces(),
            [
                ("How long does a ", false),
                ("Refund", true),
                (" ", false),
                ("take", true),
                ("?", false)
            ]
        );
        let s = Suggestion::new("退款多久到账？", &["退", "款", "到账"]);
        assert_eq!(
            s.pieces(),
            [
                ("退款", true),
                ("多久", false),
                ("到账", true),
                ("？", false)
            ]
        );
        assert_eq!(Suggestion::new("运费", &[]).pieces(), [("运费", false)]);
    }
}
