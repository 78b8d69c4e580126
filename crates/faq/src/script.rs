//! Simplified/Traditional Chinese: folds Traditional characters to Simplified, one character at a time.

use crate::script_table::T2S;

/// The Simplified form of `c`, or `c` itself when it has none (or is not Chinese).
///
/// Character-level folding is enough for matching: a query and an FAQ entry are folded
/// alike, so 退貨 and 退货 become the same tokens even where a phrase-level converter
/// would choose a different word.
///
/// ```
/// use kefu_faq::script::to_simplified;
/// assert_eq!(to_simplified('貨'), '货');
/// assert_eq!(to_simplified('货'), '货');
/// assert_eq!(to_simplified('a'), 'a');
/// ```
pub fn to_simplified(c: char) -> char {
    let Ok(code) = u16::try_from(u32::from(c)) else {
        return c;
    };
    match T2S.binary_search_by_key(&code, |&(traditional, _)| traditional) {
        Ok(i) => char::from_u32(u32::from(T2S[i].1)).unwrap_or(c),
        Err(_) => c,
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
        let fold = |s: &str| s.chars().map(to_simplified).collect::<String>();
        assert_eq!(fold("退貨運費發票"), "退货运费发票");
        assert_eq!(fold("訂單號碼"), "订单号码");
        assert_eq!(fold("轉人工客服"), "转人工客服");
        assert_eq!(fold("退货运费"), "退货运费");
    }
}
