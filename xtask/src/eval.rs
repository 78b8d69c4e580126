//! `cargo xtask eval`: matcher quality and speed on FAQ benchmark tracks, with the shipped defaults.
//!
//! A track is a folder with `faq.json` and `queries.jsonl` (format: `shared/eval/README.md`);
//! a folder without `faq.json` takes the `--faq` file.

use kefu_faq::{Action, Config, Entry, Matcher};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Deserialize)]
struct Query {
    text: String,
    expect: Option<String>,
    kind: String,
}

/// Reads a FAQ file in the benchmark format.
pub fn load_faq(path: &Path) -> Result<Vec<Entry>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    kefu_bench::entries_from_json(&text).map_err(|e| format!("parsing {}: {e}", path.display()))
}

fn load_queries(path: &Path) -> Result<Vec<Query>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// Writes `kefu_faq::synthetic::faq(entries, 1000)` as a track folder `synthetic-<entries>`
/// in `parent` (the benchmark format), for speed on FAQs larger than the public tracks.
pub fn write_synthetic_track(entries: usize, parent: &Path) -> Result<PathBuf, String> {
    let (faq, queries) = kefu_faq::synthetic::faq(entries, 1000);
    let dir = parent.join(format!("synthetic-{entries}"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let file = kefu_api::FaqFile {
        name: format!("synthetic-{entries}"),
        lang: "mul".to_owned(),
        entries: faq
            .iter()
            .map(|e| kefu_api::FaqFileEntry {
                id: e.id.clone(),
                question: e.question.clone(),
                variants: e.variants.clone(),
                keywords: e.keywords.clone(),
                answer: e.answer.clone(),
            })
            .collect(),
    };
    let lines: Vec<String> = queries
        .iter()
        .map(|(text, entry)| {
            serde_json::json!({ "text": text, "expect": faq[*entry].id, "kind": "in" }).to_string()
        })
        .collect();
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).map_err(|e| format!("writing {name}: {e}"))
    };
    write(
        "faq.json",
        serde_json::to_string(&file).map_err(|e| e.to_string())?,
    )?;
    write("queries.jsonl", lines.join("\n") + "\n")?;
    Ok(dir)
}

/// Writes every `*.json` FAQ in `from` as a bundle `<name>.kfb` in `to`.
pub fn publish_faqs(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let files = std::fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for file in files.flatten() {
        let path = file.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let entries = load_faq(&path)?;
        let bundle = kefu_faq::bundle::Bundle::new(&entries);
        let bytes = bundle.to_bytes();
        let index = bundle.matcher.index();
        let (utterance_postings, entry_postings) = index.posting_count();
        println!(
            "  {} terms, {} utterances, {utterance_postings} + {entry_postings} postings, {} related words",
            index.term_count(),
            index.utterance_count(),
            index.related_count()
        );
        let out = to.join(path.with_extension("kfb").file_name().unwrap_or_default());
        std::fs::write(&out, &bytes).map_err(|e| format!("writing {}: {e}", out.display()))?;
        println!(
            "FAQ {} → {} ({} entries, {} bytes)",
            path.display(),
            out.display(),
            entries.len(),
            bytes.len()
        );
    }
    Ok(())
}

/// One track's numbers; the field names are the `--json` keys.
#[derive(serde::Serialize)]
struct Report {
    track: String,
    entries: usize,
    queries: usize,
    top1: f64,
    top3: f64,
    answered_correct: f64,
    answered_wrong: f64,
    declined_in: f64,
    declined_oos_domain: Option<f64>,
    declined_oos_offtopic: Option<f64>,
    auroc: Option<f64>,
    index_ms: f64,
    p50_us: f64,
    p99_us: f64,
}

fn fraction(count: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        count as f64 / of as f64
    }
}

/// Probability that a random positive outranks a random negative (ties count half).
fn auroc(positives: &[f32], negatives: &[f32]) -> Option<f64> {
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    let mut all: Vec<(f32, bool)> = positives
        .iter()
        .map(|&s| (s, true))
        .chain(negatives.iter().map(|&s| (s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let average_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += average_rank * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let (p, n) = (positives.len() as f64, negatives.len() as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Changes one configuration value by name, for tuning experiments (`--set trigram=0.2`).
/// Reported numbers must come from the defaults, without `--set`.
fn set(config: &mut Config, assignment: &str) -> Result<(), String> {
    let (name, value) = assignment.split_once('=').ok_or("--set needs name=value")?;
    let value: f32 = value.parse().map_err(|e| format!("{assignment}: {e}"))?;
    let (r, d) = (&mut config.ranking, &mut config.decision);
    let field = match name {
        "word" => &mut r.word,
        "stop_word" => &mut r.stop_word,
        "word_pair" => &mut r.word_pair,
        "trigram" => &mut r.trigram,
        "han_char" => &mut r.han_char,
        "han_pair" => &mut r.han_pair,
        "number" => &mut r.number,
        "answer" => &mut r.answer,
        "best_utterance" => &mut r.best_utterance,
        "bias" => &mut d.bias,
        "evidence" => &mut d.evidence,
        "chinese" => &mut d.chinese,
        "chinese_known" => &mut d.chinese_known,
        "agree_utterance" => &mut d.agree_utterance,
        "agree_centroid" => &mut d.agree_centroid,
        "agree_from" => &mut d.agree_from,
        "coverage" => &mut d.coverage,
        "answer_at" => &mut d.answer_at,
        "suggest_at" => &mut d.suggest_at,
        _ => return Err(format!("no setting {name:?}")),
    };
    *field = value;
    Ok(())
}

/// The FAQ a track is run against: its own `faq.json`, or else `fallback`.
pub fn faq_for(track: &Path, fallback: Option<&Path>) -> Option<PathBuf> {
    let own = track.join("faq.json");
    if own.exists() {
        Some(own)
    } else {
        fallback.map(Path::to_path_buf)
    }
}

fn evaluate(
    track: &Path,
    faq_path: &Path,
    config: Config,
    variants: Option<usize>,
    dump: &mut Option<std::fs::File>,
) -> Result<Report, String> {
    let mut entries = load_faq(faq_path)?;
    if let Some(most) = variants {
        keep_variants(&mut entries, most);
    }
    let queries = load_queries(&track.join("queries.jsonl"))?;
    let started = Instant::now();
    let matcher = Matcher::with_config(&entries, config);
    let index_ms = started.elapsed().as_secs_f64() * 1e3;

    let (mut in_scope, mut top1, mut top3, mut correct, mut wrong) = (0, 0, 0, 0, 0);
    let (mut domain, mut domain_declined, mut offtopic, mut offtopic_declined) = (0, 0, 0, 0);
    let (mut positives, mut negatives) = (Vec::new(), Vec::new());
    let mut times = Vec::with_capacity(queries.len());
    for q in queries.iter().take(50) {
        std::hint::black_box(matcher.decide(&q.text)); // warm the caches
    }
    for q in &queries {
        // The median of three runs: a query's own cost, not the machine's hiccups.
        let mut runs = [0.0; 3];
        for run in &mut runs {
            let started = Instant::now();
            std::hint::black_box(matcher.decide(&q.text));
            *run = started.elapsed().as_secs_f64() * 1e6;
        }
        runs.sort_by(f64::total_cmp);
        times.push(runs[1]);
        let decision = matcher.decide(&q.text);
        let ranking = matcher.rank(&q.text);
        let ids: Vec<&str> = ranking
            .scored
            .iter()
            .take(3)
            .map(|s| entries[s.entry].id.as_str())
            .collect();
        let answered = decision.action == Action::Answer;
        match &q.expect {
            Some(expect) => {
                in_scope += 1;
                let first = ids.first() == Some(&expect.as_str());
                top1 += usize::from(first);
                top3 += usize::from(ids.contains(&expect.as_str()));
                correct += usize::from(answered && first);
                wrong += usize::from(answered && !first);
                if first {
                    positives.push(decision.confidence);
                } else if std::env::var_os("KEFU_EVAL_ERRORS").is_some() {
                    eprintln!("MISS {:?} want {expect} got {:?}", q.text, ids);
                }
                if let Some(file) = dump {
                    write_features(file, &matcher, &ranking, if first { 1 } else { 0 })?;
                }
            }
            None => {
                if answered && std::env::var_os("KEFU_EVAL_ERRORS").is_some() {
                    eprintln!(
                        "ANSWERED {:?} got {ids:?} ({:.3})",
                        q.text, decision.confidence
                    );
                }
                negatives.push(decision.confidence);
                if q.kind == "oos-domain" {
                    domain += 1;
                    domain_declined += usize::from(!answered);
                } else {
                    offtopic += 1;
                    offtopic_declined += usize::from(!answered);
                }
                if let Some(file) = dump {
                    write_features(file, &matcher, &ranking, 2)?;
                }
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let mut name = track
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(most) = variants {
        name.push_str(&format!("@v{most}"));
    }
    Ok(Report {
        track: name,
        entries: entries.len(),
        queries: queries.len(),
        top1: fraction(top1, in_scope),
        top3: fraction(top3, in_scope),
        answered_correct: fraction(correct, in_scope),
        answered_wrong: fraction(wrong, in_scope),
        declined_in: fraction(in_scope - correct - wrong, in_scope),
        declined_oos_domain: (domain > 0).then(|| fraction(domain_declined, domain)),
        declined_oos_offtopic: (offtopic > 0).then(|| fraction(offtopic_declined, offtopic)),
        auroc: auroc(&positives, &negatives),
        index_ms,
        p50_us: percentile(&times, 0.5),
        p99_us: percentile(&times, 0.99),
    })
}

/// Keeps each entry's first `most` variants: the FAQ a shop owner writes before many
/// wordings have come in. The dev tracks give five (shop-k0: none, and only for the shop), so
/// `--variants 0` and `--variants 2` show how the shipped defaults carry to thinner FAQs.
fn keep_variants(entries: &mut [Entry], most: usize) {
    for entry in entries {
        entry.variants.truncate(most);
    }
}

/// Calibration data for `tools/calibrate.py`, one line per query: the label, 1 (top entry
/// right), 0 (top entry wrong) or 2 (must decline), then [`Matcher::confidence_inputs`]
/// (`-inf 0 0 0 0 0` when no entry was ranked).
fn write_features(
    file: &mut std::fs::File,
    matcher: &Matcher,
    ranking: &kefu_faq::rank::Ranking,
    label: u8,
) -> Result<(), String> {
    use std::io::Write;
    let mut nothing = [0.0; 6];
    nothing[0] = f32::NEG_INFINITY;
    let inputs = matcher.confidence_inputs(ranking).unwrap_or(nothing);
    let line: Vec<String> = inputs.iter().map(f32::to_string).collect();
    writeln!(file, "{label} {}", line.join(" ")).map_err(|e| e.to_string())
}

/// `cargo xtask explain FAQ_FILE QUESTION...`: the verdict on each question and why.
pub fn explain(args: &[String]) -> Result<(), String> {
    let [faq, questions @ ..] = args else {
        return Err("usage: cargo xtask explain FAQ_FILE QUESTION...".to_owned());
    };
    let entries = load_faq(Path::new(faq))?;
    let matcher = Matcher::new(&entries);
    for question in questions {
        let decision = matcher.decide(question);
        let ids: Vec<&str> = decision
            .hits
            .iter()
            .map(|h| entries[h.entry].id.as_str())
            .collect();
        println!("{:?} {ids:?}", decision.action);
        println!("{}", matcher.explain(question));
    }
    Ok(())
}

/// `cargo xtask stems`: the matcher's stem of each word on stdin, so that tools outside Rust
/// key words exactly as the matcher does instead of keeping a copy of the stemmer.
pub fn stems() -> Result<(), String> {
    use std::io::{BufRead, Write};
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in std::io::stdin().lock().lines() {
        let word = line.map_err(|e| format!("reading stdin: {e}"))?;
        writeln!(out, "{word}\t{}", kefu_faq::english::stem(&word))
            .map_err(|e| format!("writing stdout: {e}"))?;
    }
    out.flush().map_err(|e| format!("writing stdout: {e}"))
}

fn show(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"))
}

/// `cargo xtask eval [--faq FILE] [--json] [--variants K] [--dump-features FILE] TRACK_DIR...`
pub fn run(args: &[String]) -> Result<(), String> {
    let mut faq: Option<PathBuf> = None;
    let mut variants = None;
    let mut json = false;
    let mut dump = None;
    let mut config = Config::default();
    let mut tracks = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--faq" => faq = Some(args.next().ok_or("--faq needs a file")?.into()),
            "--json" => json = true,
            "--variants" => {
                let most = args.next().ok_or("--variants needs a number")?;
                variants = Some(
                    most.parse()
                        .map_err(|e| format!("--variants {most}: {e}"))?,
                );
            }
            "--set" => set(&mut config, args.next().ok_or("--set needs name=value")?)?,
            "--dump-features" => {
                let path = args.next().ok_or("--dump-features needs a file")?;
                dump = Some(std::fs::File::create(path).map_err(|e| format!("{path}: {e}"))?);
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            dir => tracks.push(PathBuf::from(dir)),
        }
    }
    if tracks.is_empty() {
        return Err(
            "usage: cargo xtask eval [--faq FILE] [--json] [--variants K] TRACK_DIR...".to_owned(),
        );
    }
    if !json {
        println!(
            "{:<22} {:>7} {:>7} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6} {:>8} {:>7} {:>7}",
            "track",
            "entries",
            "queries",
            "top1",
            "top3",
            "ans_ok",
            "ans_bad",
            "decl_in",
            "decl_dom",
            "decl_off",
            "auroc",
            "index_ms",
            "p50_us",
            "p99_us"
        );
    }
    for track in &tracks {
        // `dev/*` holds zh-offtopic, which has no FAQ of its own: without `--faq` it is skipped.
        let Some(faq_path) = faq_for(track, faq.as_deref()) else {
            eprintln!(
                "{}: skipped: no faq.json (give one with --faq)",
                track.display()
            );
            continue;
        };
        let r = evaluate(track, &faq_path, config, variants, &mut dump)?;
        if json {
            println!("{}", serde_json::to_string(&r).map_err(|e| e.to_string())?);
        } else {
            println!(
                "{:<22} {:>7} {:>7} {:>6.3} {:>6.3} {:>8.3} {:>8.3} {:>8.3} {:>8} {:>8} {:>6} {:>8.2} {:>7.1} {:>7.1}",
                r.track, r.entries, r.queries, r.top1, r.top3, r.answered_correct, r.answered_wrong,
                r.declined_in, show(r.declined_oos_domain), show(r.declined_oos_offtopic),
                show(r.auroc), r.index_ms, r.p50_us, r.p99_us
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_track_runs_against_its_own_faq_else_the_one_given() {
        let own = crate::run::project_root().join("tests/tracks/zh-cn-shop");
        let given = Path::new("given.json");
        assert_eq!(faq_for(&own, Some(given)), Some(own.join("faq.json")));
        let bare = Path::new("a-track-with-no-faq");
        assert_eq!(faq_for(bare, Some(given)), Some(given.to_path_buf()));
        assert_eq!(faq_for(bare, None), None);
    }

    #[test]
    fn auroc_counts_pairs() {
        assert_eq!(auroc(&[0.9, 0.8], &[0.1, 0.2]), Some(1.0));
        assert_eq!(auroc(&[0.1], &[0.9]), Some(0.0));
        assert_eq!(auroc(&[0.5], &[0.5]), Some(0.5));
        assert_eq!(auroc(&[], &[0.5]), None);
    }

    #[test]
    fn a_thinner_faq_keeps_each_entry_s_first_variants() {
        let entry = |variants: &[&str]| Entry {
            id: "e".to_owned(),
            question: "q".to_owned(),
            variants: variants.iter().map(|v| (*v).to_owned()).collect(),
            keywords: vec!["k".to_owned()],
            answer: "a".to_owned(),
        };
        let mut entries = vec![entry(&["one", "two", "three"]), entry(&["one"])];
        keep_variants(&mut entries, 2);
        assert_eq!(entries[0].variants, ["one", "two"]);
        assert_eq!(entries[1].variants, ["one"]);
        assert_eq!(entries[0].question, "q");
        assert_eq!(entries[0].keywords, ["k"]);
        keep_variants(&mut entries, 0);
        assert!(entries.iter().all(|e| e.variants.is_empty()));
    }
}
