//! The one tokeniser for FAQ entries and queries alike.
//!
//! - Chinese (after Traditional → Simplified folding): every character and every pair of
//!   neighbouring characters, so 快递到哪了 gives 快 递 到 哪 了 and 快递 递到 到哪 哪了. No dictionary.
//! - Latin-script words: lower-cased and lightly stemmed, plus neighbouring word pairs and
//!   the character trigrams of each word (`#re ref efu fun und nd#`) that let "refnd" meet "refund".
//! - Digit runs: one token each.

use crate::english;
use crate::normalize::{normalize, normalize_chars, NormChar};
use crate::script::is_han;
use crate::script::Folding;

/// What a token stands for; each kind has its own weight in [`crate::RankingWeights`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum TokenKind {
    /// A stemmed word that carries meaning.
    Word = 1,
    /// A function word ("the", "my", "please").
    StopWord = 2,
    /// Two neighbouring stemmed words.
    WordPair = 3,
    /// A character trigram of a word, for typos.
    Trigram = 4,
    /// One Chinese character.
    HanChar = 5,
    /// Two neighbouring Chinese characters.
    HanPair = 6,
    /// A run of digits.
    Number = 7,
}

/// Chinese characters that carry no topic on their own.
pub(crate) const HAN_STOP_CHARS: &str = "了么也他们你吗吧呢和啊在她就很我是有的这那都";

/// One token: its kind, a 64-bit hash of its text, and where it came from in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it stands for.
    pub kind: TokenKind,
    /// FNV-1a of the kind and the normalised text; the index stores only this.
    pub hash: u64,
    /// Byte offset in the original text.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

/// FNV-1a, 64 bits: tiny, fast, deterministic everywhere (the index is built natively and
/// read in the browser, so the hash must not depend on the platform).
fn hash(kind: TokenKind, text: &[u8]) -> u64 {
    fnv_extend(fnv_extend(0xcbf2_9ce4_8422_2325, &[kind as u8]), text)
}

/// FNV-1a from state `h` on: `fnv_extend(fnv_extend(h, a), b)` is the hash of `a` then `b`.
pub(crate) fn fnv_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn token(kind: TokenKind, text: &str, start: usize, end: usize) -> Token {
    Token {
        kind,
        hash: hash(kind, text.as_bytes()),
        start,
        end,
    }
}

/// The hash of a meaningful word token with this stem.
pub(crate) fn word_hash(stem: &str) -> u64 {
    hash(TokenKind::Word, stem.as_bytes())
}

/// The stem that the word token at `span` of `text` was hashed from.
pub(crate) fn word_text(text: &str, span: std::ops::Range<usize>, folding: &Folding) -> String {
    let word = normalize(text.get(span).unwrap_or(""), folding);
    if word.is_ascii() {
        english::stem(&word)
    } else {
        word
    }
}

/// Whether a word is short enough to skip its trigrams (they would repeat the word).
const MIN_TRIGRAM_WORD: usize = 4;

/// Splits `text` into tokens, in order of appearance, folding scripts with `folding`.
/// Linear in the input; never panics.
///
/// ```
/// use kefu_faq::{script::Folding, tokenize::{tokenize, TokenKind}};
/// let kinds: Vec<TokenKind> = tokenize("退貨", &Folding::full()).iter().map(|t| t.kind).collect();
/// assert_eq!(kinds, [TokenKind::HanChar, TokenKind::HanPair, TokenKind::HanChar]);
/// ```
pub fn tokenize(text: &str, folding: &Folding) -> Vec<Token> {
    tokenize_correcting(text, folding, &|_| None)
}

/// [`tokenize`], with each meaningful word's stem first given to `correct`, which may return
/// the word meant (a typo's fix): its word, its pairs, everything but its trigrams then read as
/// that word.
pub fn tokenize_correcting(
    text: &str,
    folding: &Folding,
    correct: &dyn Fn(&str) -> Option<String>,
) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut run: Vec<NormChar> = Vec::new();
    let mut previous_word = PreviousWords::default();
    let flush =
        |run: &mut Vec<NormChar>, previous_word: &mut PreviousWords, tokens: &mut Vec<Token>| {
            if !run.is_empty() {
                emit_run(run, previous_word, tokens, correct);
                run.clear();
            }
        };
    for item in normalize_chars(text, folding) {
        match item {
            Some(n) => {
                if let Some(last) = run.last() {
                    if class(last.c) != class(n.c) {
                        flush(&mut run, &mut previous_word, &mut tokens);
                    }
                }
                run.push(n);
            }
            None => flush(&mut run, &mut previous_word, &mut tokens),
        }
    }
    flush(&mut run, &mut previous_word, &mut tokens);
    tokens
}

/// The words before the current one, for word pairs; each as the hash of a pair it starts
/// (`word ` so far) and where it starts.
#[derive(Default)]
struct PreviousWords {
    /// The last meaningful word: pairs skip function words between two meaningful words
    /// ("cancel my order" gives "cancel order").
    meaningful: Option<(u64, usize)>,
    /// The word just before, and whether it is a function word.
    any: Option<(u64, usize, bool)>,
}

#[derive(PartialEq, Eq)]
enum Class {
    Han,
    Digit,
    Letter,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if is_han(c) {
        Class::Han
    } else {
        Class::Letter
    }
}

/// Longest word or digit run that is tokenised; longer runs are cut (nobody types them).
const MAX_RUN: usize = 64;

fn emit_run(
    run: &[NormChar],
    previous: &mut PreviousWords,
    tokens: &mut Vec<Token>,
    correct: &dyn Fn(&str) -> Option<String>,
) {
    let limit = if class(run[0].c) == Class::Han {
        run.len()
    } else {
        MAX_RUN
    };
    let run = &run[..run.len().min(limit)];
    let (start, end) = (run[0].start, run[run.len() - 1].end);
    match class(run[0].c) {
        Class::Han => {
            *previous = PreviousWords::default();
            let mut buf = [0u8; 8];
            for (i, n) in run.iter().enumerate() {
                let single = n.c.encode_utf8(&mut buf[..4]).len();
                let kind = if HAN_STOP_CHARS.contains(n.c) {
                    TokenKind::StopWord
                } else {
                    TokenKind::HanChar
                };
                tokens.push(Token {
                    kind,
                    hash: hash(kind, &buf[..single]),
                    start: n.start,
                    end: n.end,
                });
                if let Some(next) = run.get(i + 1) {
                    let both = single + next.c.encode_utf8(&mut buf[single..]).len();
                    tokens.push(Token {
                        kind: TokenKind::HanPair,
                        hash: hash(TokenKind::HanPair, &buf[..both]),
                        start: n.start,
                        end: next.end,
                    });
                }
            }
        }
        Class::Digit => {
            *previous = PreviousWords::default();
            let digits: String = run.iter().map(|n| n.c).collect();
            tokens.push(token(TokenKind::Number, &digits, start, end));
        }
        Class::Letter => {
            let word: String = run.iter().map(|n| n.c).collect();
            let mut stem = if word.is_ascii() {
                english::stem(&word)
            } else {
                word.clone()
            };
            let stop = english::is_stop_word(&stem);
            if !stop {
                stem = correct(&stem).unwrap_or(stem);
            }
            let kind = if stop {
                TokenKind::StopWord
            } else {
                TokenKind::Word
            };
            tokens.push(token(kind, &stem, start, end));
            let mut pair = |(started, previous_start): (u64, usize)| {
                tokens.push(Token {
                    kind: TokenKind::WordPair,
                    hash: fnv_extend(started, stem.as_bytes()),
                    start: previous_start,
                    end,
                });
            };
            // "my name" and "your name", "is x on my list" and "add x to my list": the function
            // word next to a word tells them apart, where the word alone cannot.
            match previous.any.take() {
                Some((started, at, was_stop)) if was_stop || stop => pair((started, at)),
                _ => {}
            }
            let started = fnv_extend(hash(TokenKind::WordPair, stem.as_bytes()), b" ");
            if !stop {
                if let Some(meaningful) = previous.meaningful.replace((started, start)) {
                    pair(meaningful);
                }
                if run.len() >= MIN_TRIGRAM_WORD {
                    push_trigrams(run, tokens);
                }
            }
            previous.any = Some((started, start, stop));
        }
    }
}

/// Trigrams of `#word#`, over the unstemmed word: typos rarely touch every trigram.
fn push_trigrams(run: &[NormChar], tokens: &mut Vec<Token>) {
    let chars: Vec<char> = std::iter::once('#')
        .chain(run.iter().map(|n| n.c))
        .chain(std::iter::once('#'))
        .collect();
    let mut buf = [0u8; 12];
    for (i, window) in chars.windows(3).enumerate() {
        let mut len = 0;
        for c in window {
            len += c.encode_utf8(&mut buf[len..]).len();
        }
        // Span: the word characters the trigram covers (the markers have no span).
        let first = i.saturating_sub(1).min(run.len() - 1);
        let last = (i + 1).min(run.len() - 1);
        tokens.push(Token {
            kind: TokenKind::Trigram,
            hash: hash(TokenKind::Trigram, &buf[..len]),
            start: run[first].start,
            end: run[last].end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders tokens as `kind:text` for golden comparisons.
    fn render(text: &str) -> String {
        tokenize(text, &Folding::full())
            .iter()
            .filter(|t| t.kind != TokenKind::Trigram)
            .map(|t| {
                let kind = match t.kind {
                    TokenKind::Word => "w",
                    TokenKind::StopWord => "s",
                    TokenKind::WordPair => "p",
                    TokenKind::Trigram => "g",
                    TokenKind::HanChar => "c",
                    TokenKind::HanPair => "b",
                    TokenKind::Number => "n",
                };
                format!("{kind}:{}", &text[t.start..t.end])
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn check(text: &str, expect: &str) {
        assert_eq!(render(text), expect, "{text:?}");
    }

    #[test]
    fn golden() {
        check("退货", "c:退 b:退货 c:货");
        check("退貨", "c:退 b:退貨 c:貨");
        check(
            "快递到哪了",
            "c:快 b:快递 c:递 b:递到 c:到 b:到哪 c:哪 b:哪了 s:了",
        );
        check(
            "退款 refund 多久",
            "c:退 b:退款 c:款 w:refund c:多 b:多久 c:久",
        );
        check(
            "Refunds for my ORDERS",
            "w:Refunds s:for p:Refunds for s:my p:for my w:ORDERS p:my ORDERS p:Refunds for my ORDERS",
        );
        // The function word next to a word is kept as a pair: "your name" is not "my name".
        check(
            "what is your name",
            "w:what s:is p:what is s:your p:is your w:name p:your name p:what is your name",
        );
        check("cancel order", "w:cancel w:order p:cancel order");
        check("订单１２３４５", "c:订 b:订单 c:单 n:１２３４５");
        check("order#A123", "w:order s:A p:order#A n:123");
        check("😀😀", "");
        check("", "");
    }

    #[test]
    fn simplified_and_traditional_give_the_same_tokens() {
        let hashes = |s: &str| {
            tokenize(s, &Folding::full())
                .iter()
                .map(|t| t.hash)
                .collect::<Vec<_>>()
        };
        assert_eq!(hashes("運費怎麼算"), hashes("运费怎么算"));
        assert_eq!(hashes("ＲＥＦＵＮＤ"), hashes("refund"));
    }

    #[test]
    fn typos_share_trigrams() {
        let grams = |s: &str| -> std::collections::HashSet<u64> {
            tokenize(s, &Folding::full())
                .iter()
                .filter(|t| t.kind == TokenKind::Trigram)
                .map(|t| t.hash)
                .collect()
        };
        let shared = grams("refnd").intersection(&grams("refund")).count();
        assert!(shared >= 3, "{shared}");
        assert!(grams("cancle").intersection(&grams("cancel")).count() >= 3);
    }
}
