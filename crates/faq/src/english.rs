//! English: light stemming and function words, so "refunds", "refunded" and "refunding" meet.

/// Words that carry no topic: they still count a little, but never decide a match.
const STOP_WORDS: &[&str] = &[
    "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
    "could", "d", "did", "do", "doe", "does", "dont", "for", "from", "get", "got", "ha", "had",
    "has", "have", "hello", "hey", "hi", "i", "if", "im", "in", "is", "it", "just", "know", "let",
    "like", "ll", "m", "me", "might", "my", "need", "of", "ok", "okay", "on", "or", "our", "pleas",
    "please", "pls", "re", "s", "should", "so", "some", "t", "tell", "thank", "thanks", "that",
    "the", "there", "thi", "this", "to", "u", "us", "ve", "wa", "want", "was", "we", "were",
    "whats", "will", "with", "would", "ya", "you", "your",
];

/// Whether a stemmed word is a function word.
pub fn is_stop_word(stem: &str) -> bool {
    STOP_WORDS.binary_search(&stem).is_ok()
}

/// A light suffix-stripping stemmer for lower-case ASCII words: plurals, `-ing`, `-ed`, `-ly`.
/// It conflates the forms shoppers type; it does not try to be linguistically complete.
/// `tools/related_words.py` keys its word table by these stems with a copy of it: change
/// both together (and remake `data/related-en.bin`).
///
/// ```
/// use kefu_faq::english::stem;
/// assert_eq!(stem("refunds"), "refund");
/// assert_eq!(stem("shipping"), "ship");
/// assert_eq!(stem("cancelled"), "cancel");
/// assert_eq!(stem("deliveries"), "delivery");
/// assert_eq!(stem("address"), "address");
/// ```
pub fn stem(word: &str) -> String {
    let w = word;
    let n = w.len();
    let base = if n > 4 && w.ends_with("ies") {
        return [&w[..n - 3], "y"].concat();
    } else if n > 4 && w.ends_with("sses") {
        &w[..n - 2]
    } else if n > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        &w[..n - 1]
    } else if n > 5 && w.ends_with("ing") {
        undouble(&w[..n - 3])
    } else if n > 4 && w.ends_with("ed") {
        undouble(&w[..n - 2])
    } else if n > 5 && w.ends_with("ly") {
        &w[..n - 2]
    } else {
        w
    };
    base.to_owned()
}

/// `shipp` → `ship`, `cancell` → `cancel`; keeps `ll`/`ss` words that end so by nature short.
fn undouble(stem: &str) -> &str {
    let bytes = stem.as_bytes();
    let n = bytes.len();
    let doubled = n >= 3 && bytes[n - 1] == bytes[n - 2];
    // `ss`, `zz`, `ff` are how such words end; `ll` too in short words (`fall`, `bill`).
    let natural = match bytes.get(n.wrapping_sub(1)) {
        Some(b's' | b'z' | b'f') => true,
        Some(b'l') => n < 5,
        _ => false,
    };
    if doubled && !natural {
        &stem[..n - 1]
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stop_list_is_sorted() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stems() {
        for (word, want) in [
            ("orders", "order"),
            ("ordering", "order"),
            ("ordered", "order"),
            ("shipped", "ship"),
            ("payments", "payment"),
            ("invoices", "invoice"),
            ("status", "status"),
            ("bus", "bus"),
            ("was", "was"),
            ("quickly", "quick"),
            ("cancelling", "cancel"),
            ("canceled", "cancel"),
            ("stopped", "stop"),
            ("is", "is"),
        ] {
            assert_eq!(stem(word), want, "{word}");
        }
    }
}
