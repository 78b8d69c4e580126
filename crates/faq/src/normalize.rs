//! Text normalisation: one pipeline, a list of stages, each mapping one character.
//!
//! Every stage maps one input character to one output character or to a separator, so the
//! normalised text keeps a byte span into the original for every character: matched words
//! can be highlighted in what the shopper typed.

use crate::script::{self, Folding};

/// What a stage makes of one character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mapped {
    /// Keep going with this character.
    Char(char),
    /// Not part of any word: whitespace, punctuation, symbols, emoji.
    Separator,
}

/// One step of the pipeline.
pub trait Stage {
    /// Maps one character.
    fn map(&self, c: char) -> Mapped;
}

/// Compatibility folding of the forms shoppers actually type: full-width ASCII
/// (`ＡＢＣ１２３！` → `ABC123!`), the ideographic space, and half-width CJK punctuation.
/// These are the NFKC mappings that matter for shop text; the full NFKC tables would cost
/// the widget tens of kilobytes.
pub struct WidthFold;

impl Stage for WidthFold {
    fn map(&self, c: char) -> Mapped {
        let code = u32::from(c);
        Mapped::Char(match code {
            0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
    }
}

/// Case folding for Latin, Greek and Cyrillic letters (ASCII fast path).
pub struct CaseFold;

impl Stage for CaseFold {
    fn map(&self, c: char) -> Mapped {
        if c.is_ascii() {
            return Mapped::Char(c.to_ascii_lowercase());
        }
        let code = u32::from(c);
        Mapped::Char(match code {
            // Latin-1 and Greek/Cyrillic capitals sit at a fixed distance from their lower case.
            0xC0..=0xDE if code != 0xD7 => char::from_u32(code + 0x20).unwrap_or(c),
            0x391..=0x3A9 => char::from_u32(code + 0x20).unwrap_or(c),
            0x410..=0x42F => char::from_u32(code + 0x20).unwrap_or(c),
            _ => c,
        })
    }
}

/// Traditional → Simplified Chinese, with the matcher's table.
pub struct ScriptFold<'a>(pub &'a Folding);

impl Stage for ScriptFold<'_> {
    fn map(&self, c: char) -> Mapped {
        Mapped::Char(self.0.to_simplified(c))
    }
}

/// Keeps letters, digits and ideographs; everything else separates words.
pub struct Separators;

impl Stage for Separators {
    fn map(&self, c: char) -> Mapped {
        if is_word_char(c) {
            Mapped::Char(c)
        } else {
            Mapped::Separator
        }
    }
}

/// Letters (any alphabet), digits and ideographs. Emoji, symbols and punctuation are not.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let code = u32::from(c);
    script::is_han(c)
        || (matches!(code,
            0xC0..=0x24F      // Latin-1 and Latin Extended letters
            | 0x370..=0x3FF   // Greek
            | 0x400..=0x4FF   // Cyrillic
            | 0x3040..=0x30FF // Hiragana, Katakana
            | 0xAC00..=0xD7AF // Hangul
        ) && c != '×'
            && c != '÷')
}

/// One normalised character and the bytes of the original text it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NormChar {
    /// The character after every stage.
    pub c: char,
    /// Byte offset of the original character.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

/// Runs `text` through the pipeline — [`WidthFold`], [`CaseFold`], [`ScriptFold`] with
/// `folding`, [`Separators`] — in that order; separators become `None`.
pub fn normalize_chars<'a>(
    text: &'a str,
    folding: &'a Folding,
) -> impl Iterator<Item = Option<NormChar>> + 'a {
    text.char_indices().map(move |(start, original)| {
        let pipeline: [&dyn Stage; 4] = [&WidthFold, &CaseFold, &ScriptFold(folding), &Separators];
        let mut c = original;
        for stage in pipeline {
            match stage.map(c) {
                Mapped::Char(next) => c = next,
                Mapped::Separator => return None,
            }
        }
        Some(NormChar {
            c,
            start,
            end: start + original.len_utf8(),
        })
    })
}

/// The normalised text, words separated by single spaces.
///
/// ```
/// use kefu_faq::{normalize::normalize, script::Folding};
/// assert_eq!(normalize("退貨  ＲＥＦＵＮＤ？？ 😀 ok", &Folding::full()), "退货 refund ok");
/// ```
pub fn normalize(text: &str, folding: &Folding) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for item in normalize_chars(text, folding) {
        match item {
            Some(n) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(n.c);
            }
            None => pending_space = true,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use crate::script::Folding;

    fn check(input: &str, expect: &str) {
        assert_eq!(normalize(input, &Folding::full()), expect, "{input:?}");
    }

    #[test]
    fn golden() {
        check("退貨", "退货");
        check("運費多少？", "运费多少");
        check("發票怎麼開", "发票怎么开");
        check("退款 refund 多久", "退款 refund 多久");
        check("ＯＲＤＥＲ　１２３４５", "order 12345");
        check("訂單號：ＡＢ１２３", "订单号 ab123");
        check("Refund??!!", "refund");
        check("where's my parcel 📦📦", "where s my parcel");
        check("ÉTÉ Ωmega ДОСТАВКА", "été ωmega доставка");
        check("  \t\n ", "");
        check("", "");
        check("好的👍", "好的");
    }
}
