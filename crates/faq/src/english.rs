//! English: light stemming and function words, so "refunds", "refunded" and "refunding" meet.

/// Words that carry no topic: they still count a little, but never decide a match. Sorted,
/// each padded with spaces to [`STOP_WORD_SLOT`] bytes, so that a binary search finds them in
/// one text: a table of string slices cost the widget a quarter of a kilobyte (gzip) in
/// pointers.
const STOP_WORDS: &str = concat!(
    "a      about  am     an     and    any    are    as     at     be     been   but    ",
    "by     can    could  d      did    do     doe    does   dont   for    from   get    ",
    "got    ha     had    has    have   hello  hey    hi     i      if     im     in     ",
    "is     it     just   know   let    like   ll     m      me     might  my     need   ",
    "of     ok     okay   on     or     our    pleas  please pls    re     s      should ",
    "so     some   t      tell   thank  thanks that   the    there  thi    this   to     ",
    "u      us     ve     wa     want   was    we     were   whats  will   with   would  ",
    "ya     you    your   ",
);

/// The width of each function word in [`STOP_WORDS`]: the longest (6 letters) and a space.
const STOP_WORD_SLOT: usize = 7;

/// Whether a stemmed word is a function word.
pub fn is_stop_word(stem: &str) -> bool {
    let mut padded = [b' '; STOP_WORD_SLOT];
    let Some(head) = padded.get_mut(..stem.len()) else {
        return false;
    };
    head.copy_from_slice(stem.as_bytes());
    let (words, _) = STOP_WORDS.as_bytes().as_chunks::<STOP_WORD_SLOT>();
    // No slot starts with a space, so an empty stem (all spaces) is never found.
    words.binary_search(&padded).is_ok()
}

/// A light suffix-stripping stemmer for lower-case ASCII words: plurals, `-ing`, `-ed`, `-ly`.
/// It conflates the forms shoppers type; it does not try to be linguistically complete.
/// `tools/related_words.py` keys its word table by these stems (it asks `cargo xtask stems`):
/// a change here means remaking `data/related-en.bin`.
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
        let (padded, rest) = STOP_WORDS.as_bytes().as_chunks::<STOP_WORD_SLOT>();
        assert!(rest.is_empty(), "every word padded to the same width");
        assert!(padded.windows(2).all(|w| w[0] < w[1]));
        let words: Vec<&str> = STOP_WORDS.split_ascii_whitespace().collect();
        assert_eq!(words.len(), padded.len(), "one word in each padded slot");
        assert!(padded
            .iter()
            .all(|slot| slot[0] != b' ' && slot.ends_with(b" ")));
        assert!(is_stop_word("a") && is_stop_word("thanks") && is_stop_word("your"));
        assert!(!is_stop_word("refund") && !is_stop_word("") && !is_stop_word("yo"));
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
