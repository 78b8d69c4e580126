//! Criterion benchmarks: index build, bundle load and one query, on 100, 1,000 and 10,000 entries.
//!
//! The FAQs are `kefu_faq::synthetic`: shaped like real ones, the same on every run.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use kefu_faq::bundle::Bundle;
    use kefu_faq::{synthetic, Matcher};
    use std::hint::black_box;

    fn benches(c: &mut Criterion) {
        for n in [100, 1_000, 10_000] {
            let (entries, queries) = synthetic::faq(n, 200);
            let mut group = c.benchmark_group(format!("{n} entries"));
            group.sample_size(if n >= 10_000 { 10 } else { 30 });
            group.bench_function(BenchmarkId::new("index build", n), |b| {
                b.iter(|| Matcher::new(black_box(&entries)))
            });
            let bytes = Bundle::new(&entries).to_bytes();
            group.bench_function(BenchmarkId::new("bundle load", n), |b| {
                b.iter(|| Bundle::from_bytes(black_box(&bytes)).expect("a valid bundle"))
            });
            let matcher = Matcher::new(&entries);
            group.throughput(Throughput::Elements(queries.len() as u64));
            group.bench_function(BenchmarkId::new("200 queries", n), |b| {
                b.iter(|| {
                    for (q, _) in &queries {
                        black_box(matcher.decide(black_box(q)));
                    }
                })
            });
            group.finish();
        }
    }

    criterion_group!(matcher, benches);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::matcher);

#[cfg(target_arch = "wasm32")]
fn main() {}
