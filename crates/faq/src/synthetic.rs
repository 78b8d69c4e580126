//! Synthetic FAQs of any size, shaped like real ones, for the speed benchmarks (criterion,
//! `cargo xtask eval` and the browser page all measure the same data).
//!
//! Each entry has a question and five variants drawn from a Zipf-like vocabulary of English
//! words and Chinese characters around three topic words of its own; queries are unseen
//! rewordings of a random entry, with a typo now and then.

use crate::Entry;

/// A small deterministic generator (xorshift), so every run measures the same FAQ.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Zipf-like: small indexes far more often than large ones.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) as usize)
            .saturating_sub(1)
            .min(n.saturating_sub(1))
    }
}

const HAN: &str = "退货款运费发票快递物流订单取消地址修改优惠券会员积分支付失败包裹破损换货价格保护茶叶保存冲泡正品礼盒团购海外客服时间账号密码登录验证码";

fn word(rng: &mut Rng, vocabulary: usize) -> String {
    let i = rng.zipf(vocabulary);
    if i.is_multiple_of(3) {
        let han: Vec<char> = HAN.chars().collect();
        let a = han[i % han.len()];
        let b = han[(i / han.len() + i * 7) % han.len()];
        format!("{a}{b}")
    } else {
        // Pronounceable pseudo-words: consonant-vowel pairs from the index.
        let (consonants, vowels) = (b"bcdfghklmnprstvwz", b"aeiou");
        let mut n = i + 1;
        let mut w = String::new();
        while n > 0 {
            w.push(consonants[n % consonants.len()] as char);
            n /= consonants.len();
            w.push(vowels[n % vowels.len()] as char);
            n /= vowels.len();
        }
        w
    }
}

fn sentence(rng: &mut Rng, topic: &[String], vocabulary: usize) -> String {
    let mut words: Vec<String> = topic
        .iter()
        .filter(|_| !rng.next().is_multiple_of(3))
        .cloned()
        .collect();
    for _ in 0..(2 + rng.next() % 4) {
        words.push(word(rng, vocabulary));
    }
    words.join(" ")
}

/// A FAQ of `entries` entries and `queries` questions, each with the index of the entry it
/// rewords. The same sizes always give the same FAQ.
pub fn faq(entries: usize, queries: usize) -> (Vec<Entry>, Vec<(String, usize)>) {
    let n = entries.max(1);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let vocabulary = 200 + n * 4;
    let topics: Vec<Vec<String>> = (0..n)
        .map(|_| {
            (0..3)
                .map(|_| word(&mut rng, vocabulary * 4) + "x")
                .collect()
        })
        .collect();
    let faq = topics
        .iter()
        .enumerate()
        .map(|(i, topic)| Entry {
            id: format!("e{i}"),
            question: sentence(&mut rng, topic, vocabulary),
            variants: (0..5)
                .map(|_| sentence(&mut rng, topic, vocabulary))
                .collect(),
            keywords: vec![topic[0].clone()],
            answer: sentence(&mut rng, topic, vocabulary),
        })
        .collect();
    let questions = (0..queries)
        .map(|_| {
            let entry = rng.next() as usize % n;
            let mut q = sentence(&mut rng, &topics[entry], vocabulary);
            if rng.next().is_multiple_of(4) {
                let middle = q
                    .char_indices()
                    .nth(q.chars().count() / 2)
                    .map_or(0, |(i, _)| i);
                q.insert(middle, 'q'); // a typo
            }
            (q, entry)
        })
        .collect();
    (faq, questions)
}
