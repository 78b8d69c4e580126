//! The index as bytes: built at publish time, loaded by the widget without any JSON parsing.
//!
//! A [`Bundle`] is what the widget downloads: magic `KFB2`, the entries it shows (id, question,
//! answer nodes), then the matcher. The matcher's layout: magic `KFXB`; the configuration as
//! f32s; entry count and the idf of unknown tokens; the term dictionary (32-bit term keys,
//! ascending, then bf16 idf, then each term's kind as a byte); the utterance postings (id gap
//! and how often the term occurs), then the entry postings (id gap and a weight byte): for
//! each, their length in bytes in all, each term's list's length in bytes, then the lists as
//! the index keeps them in memory (see the `postings` module); the entry of every utterance,
//! then the length of every utterance's vector (bf16: an utterance posting's weight is
//! computed from its count, its term's kind and idf and this length, see
//! `index::utterance_weight`); the vocabulary for typo correction (its words, sorted, each
//! ending in a newline, as one length-prefixed UTF-8 text); the related words (their keys,
//! ascending, then where each one's FAQ word starts in that text; see the `related` module);
//! the Traditional → Simplified pairs the FAQ uses (`u16 << 16 | u16`, ascending). The counts
//! and lengths of sections are LEB128 varints.
//!
//! Arrays of u32 and bf16 are stored in byte planes (every value's lowest byte, then every
//! second byte, …), and ascending ones (keys, the entry of each utterance, the Traditional
//! pairs) as the gaps between them: the high bytes of small numbers then sit together, and
//! gzip shrinks them to almost nothing. The demo's English bundle went from 65.8 to 57.6 KB
//! gzip (KFX8 → KFX9), at the same size before gzip. KFXA adds four decision settings (whether
//! the closest utterance and the centroid agree on the best entry, and from what score; how
//! much of a Chinese question the FAQ knows); KFXB weighs how much of the question the best
//! entry covers, and no longer the closest utterance or the margin over the runner-up.
//!
//! Loading decodes no varints item by item: arrays are fixed-width, read in straight loops
//! (gaps and list lengths summed), and the lists themselves are copied whole. In a fresh
//! page the browser runs wasm in its baseline code at first; there the varint loops cost
//! milliseconds at 1,000 entries, and they made the browser compile the loading code again,
//! optimised, on the other cores in the middle of the load (KFX6: 7–9 ms, KFX7: 2.7 ms).

use crate::index::Index;
use crate::postings::{push_varint, read_varint, Payload, PostingLists};
use crate::script::Folding;
use crate::typo::Vocabulary;
use crate::{Config, DecisionWeights, Matcher, RankingWeights};
use std::fmt;

const MAGIC: &[u8; 4] = b"KFXB";

/// Most entries a matcher may hold (far beyond any FAQ).
const MAX_ENTRIES: u32 = 1 << 20;

/// Why bytes could not be read as an index.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleError {
    /// Not a Kefu index, or a version this code does not read.
    BadMagic,
    /// The bytes end early.
    Truncated,
    /// A count or id points outside the data.
    OutOfRange,
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BundleError::BadMagic => "not a Kefu FAQ index (bad magic or version)",
            BundleError::Truncated => "the FAQ index ends early",
            BundleError::OutOfRange => "the FAQ index points outside its own data",
        })
    }
}

impl std::error::Error for BundleError {}

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f32(&mut self, v: f32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn varint(&mut self, v: u32) {
        push_varint(&mut self.0, v);
    }
    /// `values` as byte planes: every value's lowest byte, then every second byte, and so on.
    /// The same bytes as little-endian u32s, but the high bytes of small or close numbers
    /// come together, and gzip packs those runs of alike bytes to almost nothing.
    fn u32s(&mut self, values: &[u32]) {
        for shift in [0, 8, 16, 24] {
            self.0.extend(values.iter().map(|&v| (v >> shift) as u8));
        }
    }
    /// Ascending `values` as the gaps between them (the first from 0), in byte planes: sorted
    /// 32-bit keys spend about three bytes each instead of four that gzip cannot shrink.
    fn ascending_u32s(&mut self, values: &[u32]) {
        let mut previous = 0u32;
        let gaps: Vec<u32> = values
            .iter()
            .map(|&v| {
                let gap = v.wrapping_sub(previous);
                previous = v;
                gap
            })
            .collect();
        self.u32s(&gaps);
    }
    /// Weights already rounded to bfloat16 (see `to_bf16_precision`), their top 16 bits in two
    /// byte planes.
    fn bf16s(&mut self, values: &[f32]) {
        for shift in [16, 24] {
            self.0
                .extend(values.iter().map(|&v| (v.to_bits() >> shift) as u8));
        }
    }
    fn len(&mut self, n: usize) {
        self.varint(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn string(&mut self, text: &str) {
        self.len(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], BundleError> {
        let (head, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or(BundleError::Truncated)?;
        self.0 = rest;
        Ok(*head)
    }
    fn u32(&mut self) -> Result<u32, BundleError> {
        self.take().map(u32::from_le_bytes)
    }
    fn f32(&mut self) -> Result<f32, BundleError> {
        self.take().map(f32::from_le_bytes)
    }
    fn varint(&mut self) -> Result<u32, BundleError> {
        let (v, rest) = read_varint(self.0).ok_or(BundleError::Truncated)?;
        self.0 = rest;
        Ok(v)
    }

    /// Every term's postings, kept as bytes: their length in all, each list's length, then
    /// the lists. Nothing in them is decoded here; a query decodes the lists it reads.
    fn posting_lists(
        &mut self,
        terms: usize,
        payload: Payload,
    ) -> Result<PostingLists, BundleError> {
        let total = self.count(1)?;
        // Forged lengths may wrap the ends around: a list whose end comes before its start
        // reads as empty.
        let ends = self.ascending_u32s(terms)?;
        let bytes = self.bytes(total)?.to_vec();
        PostingLists::from_parts(payload, ends, bytes).ok_or(BundleError::OutOfRange)
    }

    /// `n` u32s in byte planes (see `Writer::u32s`); with `gaps`, each is added to the one
    /// before (see `Writer::ascending_u32s`). One pass, no bounds checks in the loop: in a
    /// fresh page the browser runs this in its baseline compiler, where every wasm instruction
    /// per value counts (four passes, one per plane, made a 1,000-entry load 1.5 ms slower).
    fn planes(&mut self, n: usize, gaps: bool) -> Result<Vec<u32>, BundleError> {
        let bytes = self.bytes(n.saturating_mul(4))?;
        let (b0, rest) = bytes.split_at(n);
        let (b1, rest) = rest.split_at(n);
        let (b2, b3) = rest.split_at(n);
        let mut previous = 0u32;
        Ok(b0
            .iter()
            .zip(b1)
            .zip(b2)
            .zip(b3)
            .map(|(((&b0, &b1), &b2), &b3)| {
                let value = u32::from_le_bytes([b0, b1, b2, b3]);
                // A forged gap may wrap around; callers that need the values ascending check.
                previous = if gaps {
                    previous.wrapping_add(value)
                } else {
                    value
                };
                previous
            })
            .collect())
    }

    /// `n` u32s in byte planes.
    fn u32s(&mut self, n: usize) -> Result<Vec<u32>, BundleError> {
        self.planes(n, false)
    }

    /// `n` u32s written as gaps, in byte planes.
    fn ascending_u32s(&mut self, n: usize) -> Result<Vec<u32>, BundleError> {
        self.planes(n, true)
    }

    /// `n` bfloat16s in two byte planes.
    fn bf16s(&mut self, n: usize) -> Result<Vec<f32>, BundleError> {
        let bytes = self.bytes(n.saturating_mul(2))?;
        let (low, high) = bytes.split_at(n);
        Ok(low
            .iter()
            .zip(high)
            .map(|(&low, &high)| f32::from_bits(u32::from(u16::from_le_bytes([low, high])) << 16))
            .collect())
    }

    /// The next `n` bytes.
    fn bytes(&mut self, n: usize) -> Result<&[u8], BundleError> {
        let (head, rest) = self.0.split_at_checked(n).ok_or(BundleError::Truncated)?;
        self.0 = rest;
        Ok(head)
    }

    /// A length-prefixed UTF-8 string.
    fn string(&mut self) -> Result<String, BundleError> {
        let len = self.count(1)?;
        String::from_utf8(self.bytes(len)?.to_vec()).map_err(|_| BundleError::OutOfRange)
    }

    /// A count of items of at least `size` bytes each, checked against what is left.
    fn count(&mut self, size: usize) -> Result<usize, BundleError> {
        let n = self.varint()? as usize;
        if n.saturating_mul(size) > self.0.len() {
            return Err(BundleError::Truncated);
        }
        Ok(n)
    }
}

fn config_fields(c: &Config) -> [f32; 17] {
    let (r, d) = (&c.ranking, &c.decision);
    [
        r.word,
        r.stop_word,
        r.word_pair,
        r.trigram,
        r.han_char,
        r.han_pair,
        r.number,
        r.answer,
        r.best_utterance,
        d.bias,
        d.evidence,
        d.chinese,
        d.chinese_known,
        d.agree_utterance,
        d.agree_centroid,
        d.agree_from,
        d.coverage,
    ]
}

impl Matcher {
    /// The matcher as bytes, for [`Matcher::from_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(1024));
        w.0.extend_from_slice(MAGIC);
        for v in config_fields(&self.config) {
            w.f32(v);
        }
        let d = &self.config.decision;
        for v in [d.answer_at, d.suggest_at, d.suggest_within] {
            w.f32(v);
        }
        w.len(d.max_suggestions);
        let index = &self.index;
        w.u32(index.entry_count);
        w.f32(index.unknown_idf);
        w.len(index.hashes.len());
        w.ascending_u32s(&index.hashes);
        w.bf16s(&index.idf);
        w.0.extend_from_slice(&index.kinds);
        // Each list's length in bytes, so that a load can copy the lists without reading them.
        let lists = [
            index.utterance_postings.parts(),
            index.entry_postings.parts(),
        ];
        for (ends, bytes) in lists {
            w.len(bytes.len());
            // Lengths (the gaps between the ends): most are a few bytes, and repeat.
            w.ascending_u32s(ends);
            w.0.extend_from_slice(bytes);
        }
        w.len(index.utterance_entry.len());
        w.ascending_u32s(&index.utterance_entry);
        w.bf16s(&index.utterance_lengths);
        w.string(index.vocabulary.text());
        let (keys, words) = index.vocabulary.related();
        w.len(keys.len());
        w.ascending_u32s(keys);
        w.u32s(words);
        w.len(index.folding.pairs().len());
        let pairs: Vec<u32> = index
            .folding
            .pairs()
            .iter()
            .map(|&(traditional, simplified)| u32::from(traditional) << 16 | u32::from(simplified))
            .collect();
        w.ascending_u32s(&pairs);
        w.0
    }

    /// Reads bytes written by [`Matcher::to_bytes`]; malformed input is an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Matcher, BundleError> {
        let mut r = Reader(bytes);
        if &r.take::<4>()? != MAGIC {
            return Err(BundleError::BadMagic);
        }
        let mut f = [0.0f32; 20];
        for v in &mut f {
            *v = r.f32()?;
        }
        let config = Config {
            ranking: RankingWeights {
                word: f[0],
                stop_word: f[1],
                word_pair: f[2],
                trigram: f[3],
                han_char: f[4],
                han_pair: f[5],
                number: f[6],
                answer: f[7],
                best_utterance: f[8],
            },
            decision: DecisionWeights {
                bias: f[9],
                evidence: f[10],
                chinese: f[11],
                chinese_known: f[12],
                agree_utterance: f[13],
                agree_centroid: f[14],
                agree_from: f[15],
                coverage: f[16],
                answer_at: f[17],
                suggest_at: f[18],
                suggest_within: f[19],
                max_suggestions: r.varint()? as usize,
            },
        };
        let entry_count = r.u32()?;
        // Ranking allocates per entry: a forged count must not exhaust memory.
        if entry_count > MAX_ENTRIES {
            return Err(BundleError::OutOfRange);
        }
        let unknown_idf = r.f32()?;
        let terms = r.count(7)?;
        let hashes = r.ascending_u32s(terms)?;
        let idf = r.bf16s(terms)?;
        // Kinds are not checked: a byte that is no kind weighs nothing.
        let kinds = r.bytes(terms)?.to_vec();
        let utterance_postings = r.posting_lists(terms, Payload::Count)?;
        let entry_postings = r.posting_lists(terms, Payload::Byte)?;
        let utterances = r.count(6)?;
        let utterance_entry = r.ascending_u32s(utterances)?;
        let utterance_lengths = r.bf16s(utterances)?;
        let words = r.string()?;
        let related_count = r.count(8)?;
        let related_keys = r.ascending_u32s(related_count)?;
        let related_words = r.u32s(related_count)?;
        let pair_count = r.count(4)?;
        let pairs = r.ascending_u32s(pair_count)?.into_iter();
        let pairs = pairs.map(|p| ((p >> 16) as u16, p as u16)).collect();
        let folding = Folding::from_sorted_pairs(pairs).ok_or(BundleError::OutOfRange)?;
        // Binary search needs the keys strictly ascending.
        if hashes.windows(2).any(|pair| pair[0] >= pair[1]) {
            return Err(BundleError::OutOfRange);
        }
        // Posting ids are checked where a query uses them.
        if utterance_entry.iter().any(|&e| e >= entry_count) {
            return Err(BundleError::OutOfRange);
        }
        Ok(Matcher {
            index: Index {
                hashes,
                idf,
                kinds,
                kind_weights: config.ranking.by_kind_byte(),
                utterance_lengths,
                utterance_postings,
                entry_postings,
                utterance_entry,
                entry_count,
                unknown_idf,
                vocabulary: Vocabulary::from_parts(words, related_keys, related_words),
                folding,
            },
            config,
        })
    }
}

const BUNDLE_MAGIC: &[u8; 4] = b"KFB2";

/// What the widget shows for an entry.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ShownEntry {
    /// Stable id.
    pub id: String,
    /// The question an answer card names.
    pub question: String,
    /// The answer as [`answer`](crate::answer) nodes (plain text reads as one text node).
    pub answer: String,
}

/// A published FAQ: what the widget shows and the matcher that finds it, in one file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Bundle {
    /// Entries in index order.
    pub entries: Vec<ShownEntry>,
    /// The matcher over them.
    pub matcher: Matcher,
}

impl Bundle {
    /// Indexes `entries` with the shipped configuration. With the `markdown` feature, answers
    /// are read as Markdown and shipped as [`answer`](crate::answer) nodes; the matcher reads
    /// their plain text either way.
    pub fn new(entries: &[crate::Entry]) -> Bundle {
        let shown: Vec<ShownEntry> = entries
            .iter()
            .map(|e| ShownEntry {
                id: e.id.clone(),
                question: e.question.clone(),
                #[cfg(feature = "markdown")]
                answer: crate::answer::from_markdown(&e.answer),
                #[cfg(not(feature = "markdown"))]
                answer: e.answer.clone(),
            })
            .collect();
        let indexed: Vec<crate::Entry> = entries
            .iter()
            .zip(&shown)
            .map(|(e, s)| crate::Entry {
                answer: crate::answer::plain(&s.answer),
                ..e.clone()
            })
            .collect();
        Bundle {
            matcher: Matcher::new(&indexed),
            entries: shown,
        }
    }

    /// The bundle as bytes: magic `KFB2`, the entries as length-prefixed UTF-8, the matcher.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.0.extend_from_slice(BUNDLE_MAGIC);
        w.len(self.entries.len());
        for e in &self.entries {
            for text in [&e.id, &e.question, &e.answer] {
                w.string(text);
            }
        }
        w.0.extend_from_slice(&self.matcher.to_bytes());
        w.0
    }

    /// Reads bytes written by [`Bundle::to_bytes`]; malformed input is an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let mut r = Reader(bytes);
        if &r.take::<4>()? != BUNDLE_MAGIC {
            return Err(BundleError::BadMagic);
        }
        let count = r.count(3)?;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            entries.push(ShownEntry {
                id: r.string()?,
                question: r.string()?,
                answer: r.string()?,
            });
        }
        let matcher = Matcher::from_bytes(r.0)?;
        if matcher.index.entry_count() != entries.len() {
            return Err(BundleError::OutOfRange);
        }
        Ok(Bundle { entries, matcher })
    }
}

#[cfg(test)]
mod tests {
    use super::{Reader, Writer};

    #[test]
    fn arrays_read_back_from_byte_planes_and_gaps() {
        let values = [0, 1, 255, 256, 70_000, 0x00FF_FF00, u32::MAX - 1, u32::MAX];
        let weights = [0.0f32, 1.0, -2.5, 0.015625];
        let mut w = Writer(Vec::new());
        w.u32s(&[7, 0x0102_0304]);
        w.ascending_u32s(&values);
        w.bf16s(&weights);
        // Planes: every value's lowest byte first.
        assert_eq!(w.0[..8], [7, 4, 0, 3, 0, 2, 0, 1]);
        let mut r = Reader(&w.0);
        assert_eq!(r.u32s(2).unwrap(), [7, 0x0102_0304]);
        assert_eq!(r.ascending_u32s(values.len()).unwrap(), values);
        assert_eq!(r.bf16s(weights.len()).unwrap(), weights);
        assert!(r.0.is_empty());
        // Too few bytes left is an error, not a short array.
        assert!(Reader(&[1, 2, 3]).u32s(1).is_err());
    }
}
