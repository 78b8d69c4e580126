//! Fuzz target: any FAQ text and any query, matched, explained and round-tripped, never panic.
#![no_main]

use kefu_faq::{Entry, Matcher};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line is the query; the rest are entries, one utterance a line.
    let mut lines = text.lines();
    let query = lines.next().unwrap_or_default();
    let entries: Vec<Entry> = lines
        .collect::<Vec<_>>()
        .chunks(3)
        .enumerate()
        .map(|(i, chunk)| Entry {
            id: i.to_string(),
            question: chunk[0].to_owned(),
            variants: chunk[1..].iter().map(|s| s.to_string()).collect(),
            keywords: Vec::new(),
            answer: chunk.last().map(|s| s.to_string()).unwrap_or_default(),
        })
        .collect();
    let matcher = Matcher::new(&entries);
    let decision = matcher.decide(query);
    assert!((0.0..=1.0).contains(&decision.confidence));
    let _ = matcher.explain(query).to_string();
    assert_eq!(Matcher::from_bytes(&matcher.to_bytes()).as_ref(), Ok(&matcher));
});
