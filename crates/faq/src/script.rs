//! Simplified/Traditional Chinese: folds Traditional characters to Simplified, one character at a time.

use crate::script_table::T2S;
use std::borrow::Cow;

/// Traditional → Simplified folding at character level.
///
/// Character-level folding is enough for matching: a query and an FAQ entry are folded
/// alike, so 退貨 and 退货 become the same tokens even where a phrase-level converter
/// would choose a different word.
///
/// The whole table (2,700 pairs) is used when an FAQ is indexed. A built matcher keeps only
/// the pairs whose Simplified character occurs in its FAQ ([`Folding::keep`]): any other
/// character cannot match an entry whether it is folded or not, so the widget ranks exactly
/// as the full table would while shipping a few hundred pairs instead of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folding {
    /// `(traditional, simplified)` code points, sorted by the first.
    pairs: Cow<'static, [(u16, u16)]>,
}

impl Default for Folding {
    fn default() -> Self {
        Folding::full()
    }
}

impl Folding {
    /// The whole table.
    pub fn full() -> Folding {
        Folding {
            pairs: Cow::Borrowed(&T2S),
        }
    }

    /// A table of pairs sorted by their Traditional character, each once; `None` otherwise.
    pub fn from_sorted_pairs(pairs: Vec<(u16, u16)>) -> Option<Folding> {
        pairs
            .windows(2)
            .all(|w| w[0].0 < w[1].0)
            .then_some(Folding {
                pairs: Cow::Owned(pairs),
            })
    }

    /// The pairs, sorted by the Traditional character.
    pub fn pairs(&self) -> &[(u16, u16)] {
        &self.pairs
    }

    /// Only the pairs whose Simplified character satisfies `used`.
    pub fn keep(&self, used: impl Fn(char) -> bool) -> Folding {
        Folding {
            pairs: Cow::Owned(
                self.pairs
                    .iter()
                    .copied()
                    .filter(|&(_, s)| char::from_u32(u32::from(s)).is_some_and(&used))
                    .collect(),
            ),
        }
    }

    /// The Simplified form of `c`, or `c` itself when it has none (or is not Chinese).
    ///
    /// ```
    /// use kefu_faq::script::Folding;
    /// let fold = Folding::full();
    /// assert_eq!(fold.to_simplified('貨'), '货');
    /// assert_eq!(fold.to_simplified('货'), '货');
    /// assert_eq!(fold.to_simplified('a'), 'a');
    /// ```
    pub fn to_simplified(&self, c: char) -> char {
        let Ok(code) = u16::try_from(u32::from(c)) else {
            return c;
        };
        match self
            .pairs
            .binary_search_by_key(&code, |&(traditional, _)| traditional)
        {
            Ok(i) => char::from_u32(u32::from(self.pairs[i].1)).unwrap_or(c),
            Err(_) => c,
        }
    }
}

/// Whether `c` is a CJK ideograph (the characters Chinese text is tokenised by).
pub fn is_han(c: char) -> bool {
    matches!(u32::from(c),
        0x3400..=0x4DBF      // Extension A
        | 0x4E00..=0x9FFF    // Unified Ideographs
        | 0xF900..=0xFAFF    // Compatibility Ideographs
        | 0x20000..=0x2FA1F  // Extensions B–F, Compatibility Supplement
        | 0x3007) // 〇
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_folds_to_different_characters() {
        assert!(T2S.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(T2S.iter().all(|(t, s)| t != s));
    }

    #[test]
    fn shop_words_fold() {
        let full = Folding::full();
        let fold = |s: &str| s.chars().map(|c| full.to_simplified(c)).collect::<String>();
        assert_eq!(fold("退貨運費發票"), "退货运费发票");
        assert_eq!(fold("訂單號碼"), "订单号码");
        assert_eq!(fold("轉人工客服"), "转人工客服");
        assert_eq!(fold("退货运费"), "退货运费");
        // An account: Taiwan's 帳號, the standard 账号 and the common 帐号 are one word.
        assert_eq!(fold("帳號"), "账号");
        assert_eq!(fold("帐号"), "账号");
        assert_eq!(fold("賬戶"), "账户");
    }

    #[test]
    fn a_kept_subset_folds_only_what_it_kept() {
        let kept = Folding::full().keep(|c| "货运".contains(c));
        assert_eq!(kept.pairs().len(), 2);
        assert_eq!(kept.to_simplified('貨'), '货');
        assert_eq!(kept.to_simplified('運'), '运');
        assert_eq!(kept.to_simplified('發'), '發');
    }
}
