//! Posting lists kept in the bytes the bundle ships: loading a bundle copies them once and
//! decodes nothing; a list is decoded the first time a query reads it, and kept.
//!
//! A list is its postings in id order, each an id gap (a LEB128 varint) and a one-byte payload
//! that the index turns into a weight ([`Payload`]).

use std::sync::OnceLock;

/// What a posting carries besides its id: a byte the index turns into a weight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Payload {
    /// How often the term occurs in the utterance (1 ..= 255). Most terms occur once, so the
    /// gap's lowest bit says whether a count byte follows at all.
    #[default]
    Count,
    /// A weight byte ([`weight_of_byte`]), after every gap.
    Byte,
}

impl Payload {
    /// Appends one posting's gap and payload.
    fn write(self, gap: u32, payload: u8, out: &mut Vec<u8>) {
        match self {
            Payload::Count if payload > 1 => {
                push_varint(out, gap << 1 | 1);
                out.push(payload);
            }
            Payload::Count => push_varint(out, gap << 1),
            Payload::Byte => {
                push_varint(out, gap);
                out.push(payload);
            }
        }
    }

    /// The gap and payload at the front of `bytes`, and what follows them; `None` if `bytes`
    /// ends early or the varint is malformed.
    fn read(self, bytes: &[u8]) -> Option<(u32, u8, &[u8])> {
        let (gap, rest) = read_varint(bytes)?;
        match (self, rest) {
            (Payload::Count, _) if gap & 1 == 0 => Some((gap >> 1, 1, rest)),
            (Payload::Count, [count, rest @ ..]) => Some((gap >> 1, *count, rest)),
            (Payload::Byte, [byte, rest @ ..]) => Some((gap, *byte, rest)),
            _ => None,
        }
    }
}

/// One term's postings, decoded: `(id, weight)`, ids ascending.
type DecodedList = Vec<(u32, f32)>;

/// The posting lists of every term, end to end in one byte array.
#[derive(Clone, Debug, Default)]
pub(crate) struct PostingLists {
    /// Where each term's list ends in `bytes` (it starts where the previous one ends).
    ends: Vec<u32>,
    bytes: Vec<u8>,
    /// Each term's list once a query has read it.
    decoded: Vec<OnceLock<DecodedList>>,
    payload: Payload,
}

/// Lists are equal when their bytes are: which have been decoded does not matter.
impl PartialEq for PostingLists {
    fn eq(&self, other: &Self) -> bool {
        self.payload == other.payload && self.ends == other.ends && self.bytes == other.bytes
    }
}

impl PostingLists {
    /// No lists yet; postings carry `payload`.
    pub fn new(payload: Payload) -> Self {
        PostingLists {
            payload,
            ..PostingLists::default()
        }
    }

    /// Appends the next term's list: `(id, payload)` with ids ascending.
    pub fn push(&mut self, list: impl IntoIterator<Item = (u32, u8)>) {
        let mut previous = 0;
        for (id, payload) in list {
            self.payload
                .write(id.wrapping_sub(previous), payload, &mut self.bytes);
            previous = id;
        }
        self.ends.push(self.bytes.len() as u32);
        self.decoded.push(OnceLock::new());
    }

    /// Lists read from a bundle: where each ends in `bytes` (ascending). `None` unless the
    /// last is the end of `bytes`. What the lists hold is not checked here: reading stops at
    /// a list's end or at malformed bytes, and ids are bounds-checked where used.
    pub fn from_parts(payload: Payload, ends: Vec<u32>, bytes: Vec<u8>) -> Option<Self> {
        let whole = ends.last().map_or(0, |&e| e as usize) == bytes.len();
        let mut decoded = Vec::new();
        decoded.resize_with(ends.len(), OnceLock::new);
        whole.then_some(PostingLists {
            ends,
            bytes,
            decoded,
            payload,
        })
    }

    /// The list of term `term` as `(id, weight)`, decoded on first use with `weigh(id,
    /// payload)` (empty past the end). A list is decoded once: `weigh` must give the same
    /// weights every time. (`dyn`: one copy of this code in the widget's wasm, not one per
    /// kind of list.)
    pub fn get(&self, term: usize, weigh: &dyn Fn(u32, u8) -> f32) -> &[(u32, f32)] {
        match self.decoded.get(term) {
            Some(list) => list.get_or_init(|| {
                self.read(term)
                    .map(|(id, payload)| (id, weigh(id, payload)))
                    .collect()
            }),
            None => &[],
        }
    }

    /// The list of term `term`, decoded as it is read (empty past the end).
    fn read(&self, term: usize) -> Postings<'_> {
        let start = match term.checked_sub(1) {
            Some(previous) => self.ends.get(previous).map_or(usize::MAX, |&e| e as usize),
            None => 0,
        };
        let end = self.ends.get(term).map_or(0, |&e| e as usize);
        Postings {
            bytes: self.bytes.get(start..end).unwrap_or(&[]),
            id: 0,
            payload: self.payload,
        }
    }

    /// Where each list ends, and the lists: what a bundle stores.
    pub fn parts(&self) -> (&[u32], &[u8]) {
        (&self.ends, &self.bytes)
    }

    /// Number of postings in all lists (decodes them all: for reports, not queries).
    pub fn count(&self) -> usize {
        (0..self.ends.len())
            .map(|term| self.read(term).count())
            .sum()
    }
}

/// One term's postings, decoded as they are read: `(id, payload)`, ids ascending.
struct Postings<'a> {
    bytes: &'a [u8],
    id: u32,
    payload: Payload,
}

impl Iterator for Postings<'_> {
    type Item = (u32, u8);

    fn next(&mut self) -> Option<(u32, u8)> {
        let Some((gap, payload, rest)) = self.payload.read(self.bytes) else {
            self.bytes = &[];
            return None;
        };
        self.bytes = rest;
        self.id = self.id.wrapping_add(gap);
        Some((self.id, payload))
    }
}

/// Appends `v` as LEB128: 7 bits a byte, low first, the top bit set on all but the last.
pub(crate) fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The LEB128 varint at the front of `bytes`, and what follows it; `None` if `bytes` ends
/// early or the number does not fit in a `u32`.
#[inline]
pub(crate) fn read_varint(bytes: &[u8]) -> Option<(u32, &[u8])> {
    match bytes {
        // Most varints (gaps between ids, list lengths) are one byte.
        [byte, rest @ ..] if *byte < 0x80 => Some((u32::from(*byte), rest)),
        _ => read_long_varint(bytes),
    }
}

/// [`read_varint`] for a varint of more than one byte.
#[inline(never)]
fn read_long_varint(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let mut v: u32 = 0;
    for (i, &byte) in bytes.iter().take(5).enumerate() {
        // The fifth byte carries the top 4 bits only; more would overflow a u32.
        if i == 4 && byte > 0x0F {
            return None;
        }
        v |= u32::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, &bytes[i + 1..]));
        }
    }
    None
}

/// An entry-centroid weight as the bundle ships it, in one byte: a sign bit, a 3-bit exponent
/// (2^-7 … 2^0) and 4 bits of mantissa, about 3 % apart; bytes 0 and 0x80 are zero. Weights of
/// normalised vectors lie within ±1, and rounding them so moves the benchmark tracks' top-1 by
/// at most 0.3 points, for half the bytes of bfloat16. (Computed, not a table: a table would be
/// a kilobyte of the widget's wasm.)
pub(crate) fn weight_of_byte(byte: u8) -> f32 {
    let byte = u32::from(byte);
    if byte & 0x7F == 0 {
        return 0.0;
    }
    let exponent = 127 - 7 + ((byte >> 4) & 7);
    f32::from_bits((byte >> 7) << 31 | exponent << 23 | (byte & 15) << 19)
}

/// The byte whose weight is nearest `v` (ties to the smaller magnitude; NaN is zero).
pub(crate) fn weight_byte(v: f32) -> u8 {
    // Bytes 0..128 are the magnitudes, ascending: `above` is the first not below `m`.
    let m = v.abs();
    let above = (0..127u8).filter(|&b| weight_of_byte(b) < m).count() as u8;
    let below = above.saturating_sub(1);
    let nearest = if m - weight_of_byte(below) <= weight_of_byte(above) - m {
        below
    } else {
        above
    };
    let sign = if v < 0.0 && nearest != 0 { 0x80 } else { 0 };
    nearest | sign
}

#[cfg(test)]
mod tests {
    use super::{read_varint, weight_byte, weight_of_byte, Payload, PostingLists};

    fn to_weight_precision(v: f32) -> f32 {
        weight_of_byte(weight_byte(v))
    }

    #[test]
    fn a_weight_byte_is_the_nearest_of_the_256_and_reads_back_as_itself() {
        for byte in 0..=255u8 {
            let w = weight_of_byte(byte);
            let expected = if byte & 0x7F == 0 { 0 } else { byte };
            assert_eq!(weight_byte(w), expected, "byte {byte:#x} = {w}");
        }
        assert_eq!(to_weight_precision(0.5), 0.5);
        assert_eq!(to_weight_precision(-1.0), -1.0);
        assert_eq!(to_weight_precision(0.3), 0.296875); // 1.1875 × 2^-2; 0.3125 is further
        assert_eq!(to_weight_precision(f32::NAN), 0.0);
        assert_eq!(to_weight_precision(7.0), 1.9375);
        assert_eq!(to_weight_precision(1e-9), 0.0);
        // Within 3.2 % from the smallest weight (0.0083) up.
        for i in 9..1000 {
            let v = i as f32 / 1000.0;
            assert!((to_weight_precision(v) - v).abs() <= v * 0.032, "{v}");
        }
    }

    #[test]
    fn each_term_gets_its_own_list_and_nothing_past_the_end() {
        let mut lists = PostingLists::new(Payload::Count);
        lists.push([(0, 1), (4, 3), (300, 1), (301, 255)]);
        lists.push([]);
        lists.push([(2, 1)]);
        let count = &|_, count: u8| f32::from(count);
        assert_eq!(
            lists.get(0, count),
            [(0, 1.0), (4, 3.0), (300, 1.0), (301, 255.0)]
        );
        assert_eq!(lists.get(1, count), []);
        assert_eq!(lists.get(2, count), [(2, 1.0)]);
        assert_eq!(lists.get(3, count), []);
        assert_eq!(lists.get(usize::MAX, count), []);
        assert_eq!(lists.count(), 5);
        // A count of one takes no byte. List 0: gap 0; gap 4 << 1 | 1 and count 3; 296 << 1
        // (two bytes); 1 << 1 | 1 and 255. List 2: gap 2 << 1.
        assert_eq!(lists.parts().1.len(), 1 + 2 + 2 + 2 + 1);
        // A list is decoded once; later reads keep its first weights.
        assert_eq!(lists.get(2, &|_, _| 9.0), [(2, 1.0)]);
        let mut bytes = PostingLists::new(Payload::Byte);
        bytes.push([(7, weight_byte(0.3))]);
        assert_eq!(bytes.get(0, &|_, b| weight_of_byte(b)), [(7, 0.296875)]);
    }

    #[test]
    fn a_list_cut_short_or_with_a_bad_varint_ends_where_its_bytes_stop_making_sense() {
        // 0x85 0x01 is 133; a payload byte follows, then a gap with no payload.
        let byte = &|_, b: u8| f32::from(b);
        let lists = PostingLists::from_parts(Payload::Byte, vec![4], vec![0x85, 0x01, 0x40, 0x02]);
        let lists = lists.expect("the ends match the bytes");
        assert_eq!(lists.get(0, byte), [(133, 64.0)]);
        // A count flag with no count after it.
        let lists = PostingLists::from_parts(Payload::Count, vec![2], vec![0x02, 0x05]);
        assert_eq!(lists.expect("ends match").get(0, byte), [(1, 1.0)]);
        let overlong = PostingLists::from_parts(Payload::Byte, vec![6], vec![0xFF; 6]);
        assert_eq!(overlong.expect("ends match").get(0, byte), []);
        assert!(PostingLists::from_parts(Payload::Count, vec![3], vec![0; 2]).is_none());
        assert_eq!(
            read_varint(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            Some((u32::MAX, &[][..]))
        );
        assert_eq!(read_varint(&[0xFF, 0xFF, 0xFF, 0xFF, 0x10]), None);
        assert_eq!(read_varint(&[0x80]), None);
    }
}
