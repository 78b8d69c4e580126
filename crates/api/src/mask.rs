//! Masking of personal data in text that leaves the shopper's page: card numbers always,
//! and every e-mail, phone, order or card number in questions logged as unanswered.

/// A digit, ASCII or full-width (shoppers typing with a Chinese IME produce both).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digit_value(c: char) -> u32 {
    if c.is_ascii_digit() {
        c as u32 - '0' as u32
    } else {
        c as u32 - '０' as u32
    }
}

/// A run of digits with single spaces or dashes between them: `(start, end)` char indices.
fn digit_runs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        loop {
            if end < chars.len() && is_digit(chars[end]) {
                end += 1;
            } else if end + 1 < chars.len()
                && matches!(chars[end], ' ' | '-' | '　')
                && is_digit(chars[end + 1])
            {
                end += 2;
            } else {
                break;
            }
        }
        runs.push((start, end));
        i = end;
    }
    runs
}

/// Whether `digits` pass the Luhn check that every payment card number passes.
fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2, d * 2) {
            (0, _) => d,
            (_, twice) if twice > 9 => twice - 9,
            (_, twice) => twice,
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Masks card-like numbers (13–19 digits, Luhn-valid, spaces or dashes allowed) except their
/// last four digits: `4111 1111 1111 1111` → `**** **** **** 1111`.
///
/// ```
/// use kefu_api::mask::mask_cards;
/// assert_eq!(mask_cards("卡号4111-1111-1111-1111扣了两次"), "卡号****-****-****-1111扣了两次");
/// assert_eq!(mask_cards("order 1234567890123"), "order 1234567890123"); // not Luhn-valid
/// ```
pub fn mask_cards(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (start, end) in digit_runs(&chars) {
        let positions: Vec<usize> = (start..end).filter(|&i| is_digit(chars[i])).collect();
        let digits: Vec<u32> = positions.iter().map(|&i| digit_value(chars[i])).collect();
        if (13..=19).contains(&digits.len()) && luhn(&digits) {
            for &i in &positions[..positions.len() - 4] {
                chars[i] = '*';
            }
        }
    }
    chars.into_iter().collect()
}

/// Masks everything personal in a question kept for FAQ authors: e-mail addresses, and any
/// number of 4 or more digits (orders, phones, cards, postcodes) whatever its separators.
///
/// ```
/// use kefu_api::mask::mask_personal;
/// assert_eq!(mask_personal("订单 DD20261118-4471 寄到 a.b@example.com 了吗"), "订单 DD# 寄到 [email] 了吗");
/// assert_eq!(mask_personal("电话 138 0013 8000"), "电话 #");
/// assert_eq!(mask_personal("退货要几天"), "退货要几天");
/// ```
pub fn mask_personal(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let runs = digit_runs(&chars);
    let mut next_run = runs.iter().peekable();
    while i < chars.len() {
        if let Some(len) = email_at(&chars, i) {
            out.push_str("[email]");
            i += len;
            continue;
        }
        while next_run.peek().is_some_and(|&&(_, end)| end <= i) {
            next_run.next();
        }
        if let Some(&&(start, end)) = next_run.peek() {
            if start == i {
                let digits = (start..end).filter(|&j| is_digit(chars[j])).count();
                if digits >= 4 {
                    out.push('#');
                    i = end;
                    continue;
                }
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The length of an e-mail address starting at `at`, if one starts there.
fn email_at(chars: &[char], at: usize) -> Option<usize> {
    let part = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    if at > 0 && part(chars[at - 1]) {
        return None;
    }
    let local = chars[at..].iter().take_while(|&&c| part(c)).count();
    if local == 0 || chars.get(at + local) != Some(&'@') {
        return None;
    }
    let domain_start = at + local + 1;
    let domain = chars[domain_start..]
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        .count();
    let domain_text: String = chars[domain_start..domain_start + domain].iter().collect();
    let domain_text = domain_text.trim_end_matches('.');
    (domain_text.contains('.') && !domain_text.starts_with('.'))
        .then_some(local + 1 + domain_text.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_are_masked_in_every_common_spelling() {
        for (input, masked) in [
            ("4111111111111111", "************1111"),
            ("5500 0000 0000 0004", "**** **** **** 0004"),
            ("３７８２８２２４６３１０００５", "***********０００５"),
            (
                "card 6011-0009-9013-9424, please",
                "card ****-****-****-9424, please",
            ),
        ] {
            assert_eq!(mask_cards(input), masked);
        }
    }

    #[test]
    fn other_numbers_are_left_alone_by_card_masking() {
        for text in [
            "DD20261118-4471",
            "4111 1111 1111 1112",
            "13800138000",
            "1 2 3",
            "",
            "4111  1111 1111 1111",
        ] {
            assert_eq!(mask_cards(text), text, "{text}");
        }
    }

    #[test]
    fn personal_data_never_reaches_the_unanswered_log() {
        assert_eq!(mask_personal("where is #4471?"), "where is ##?");
        assert_eq!(mask_personal("mail me: x@y.cn."), "mail me: [email].");
        assert_eq!(mask_personal("订单１２３４５６"), "订单#");
        assert_eq!(mask_personal("I'm 25"), "I'm 25");
        assert_eq!(mask_personal("@@ a@b"), "@@ a@b");
    }
}
