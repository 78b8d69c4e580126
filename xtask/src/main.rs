//! Kefu's project commands, so that the README needs two lines: `cargo xtask demo` and
//! `cargo xtask test`. Each installs what it needs and skips what is already there.

mod eval;
mod postgres;
mod run;
mod shrink;
mod sizes;
mod tools;

use run::{cargo, project_root, Step};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  demo [SERVER ARGS]  build the widget and start the demo shop on http://127.0.0.1:8080
  test                run every check: format, lints, unit, browser and end-to-end tests
  build               build the widget into dist/ and publish the demo FAQ bundles there
  sizes               print the gzip sizes of the built widget (after a build)
  bench [TRACK_DIR...] the wasm matcher against Fuse.js and MiniSearch in headless Chromium
                      (default: the zh shop tracks, the English dev tracks in
                      ../shared/eval/dev and a synthetic 1,000-entry FAQ)
  synthetic N         write a synthetic N-entry track to target/tracks/synthetic-N, for
                      `cargo xtask eval` (native speed) and `cargo xtask bench` (browser)
  eval [--faq FILE] [--json] [--variants K] TRACK_DIR...
                      matcher quality and speed on FAQ benchmark tracks (shipped defaults);
                      --variants K keeps each entry's first K variants (a thinner FAQ)
  explain FAQ_FILE QUESTION...
                      the verdict on each question, with its tokens and score parts
  stems               each lower-case English word read from stdin (one a line) and its
                      stem, tab-separated (tools/related_words.py keys its table by them)
  postgres COMMAND... run COMMAND with a throw-away PostgreSQL server, its URL in
                      KEFU_TEST_POSTGRES (e.g. `cargo xtask postgres cargo test -p kefu-server`)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(),
        Some("eval") => eval::run(&args[1..]),
        Some("explain") => eval::explain(&args[1..]),
        Some("stems") => eval::stems(),
        Some("bench") => bench(&args[1..]),
        Some("synthetic") => synthetic(&args[1..]),
        Some("build") => tools::ensure_build_tools().and_then(|()| build_widget()),
        Some("postgres") => with_postgres(&args[1..]),
        Some("sizes") => sizes::report(&project_root().join("dist")).map(|_| ()),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the widget in release mode (Trunk + wasm-opt) into `dist/`, publishes the demo FAQ
/// files next to it as bundles the widget loads (`dist/faq/<locale>.kfb`), and writes Brotli
/// and gzip copies of each built file for the server to send.
///
/// The wasm is built with the standard library rebuilt to abort at once on a panic, without
/// formatting a message (about 15 KB gzip less: no panic strings, locations or formatter).
/// That needs `-Zbuild-std` and an unstable flag, so this one build runs with
/// `RUSTC_BOOTSTRAP=1`, in its own target folder so that no other build is affected.
fn build_widget() -> Result<(), String> {
    let root = project_root();
    let target = root.join("target/widget");
    Step::new("widget: trunk build --release")
        .program("trunk")
        .args(["build", "--release"])
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Zunstable-options -Cpanic=immediate-abort",
        )
        .env("CARGO_TARGET_DIR", &target)
        .run()?;
    shrink::check_no_formatter(&target.join("wasm32-unknown-unknown/release/kefu-widget.wasm"))?;
    shrink::minify_wasm_names(&root.join("dist"))?;
    shrink::minify(&root.join("dist"))?;
    eval::publish_faqs(&root.join("www/demo/faq"), &root.join("dist/faq"))?;
    shrink::precompress(&root.join("dist"))
}

/// Runs `command` with a throw-away PostgreSQL server, its URL in `KEFU_TEST_POSTGRES`.
fn with_postgres(command: &[String]) -> Result<(), String> {
    let Some((program, args)) = command.split_first() else {
        return Err(format!("postgres: which command?\n\n{USAGE}"));
    };
    let postgres = postgres::Postgres::start()?;
    Step::new(program)
        .program(program)
        .args(args)
        .env("KEFU_TEST_POSTGRES", postgres.url())
        .run()
}

/// Builds the matcher for the browser as the widget ships it and runs the benchmark page.
fn bench(tracks: &[String]) -> Result<(), String> {
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    let root = project_root();
    let page = root.join("target/bench-page");
    cargo(
        "bench: build the wasm matcher (release)",
        &[
            "build",
            "-p",
            "kefu-bench",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
        ],
    )
    .run()?;
    let wasm = root.join("target/wasm32-unknown-unknown/release/kefu_bench.wasm");
    Step::new("bench: wasm-bindgen")
        .program("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .args([&page, &wasm])
        .run()?;
    let optimized = page.join("kefu_bench_bg.wasm");
    Step::new("bench: wasm-opt -Oz")
        .program("wasm-opt")
        .args([
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "-o",
        ])
        .args([&optimized, &optimized])
        .run()?;
    let node_modules = root.join("tools/node_modules");
    for (from, to) in [
        (root.join("tests/bench/index.html"), page.join("index.html")),
        (root.join("tests/bench/fresh.html"), page.join("fresh.html")),
        (root.join("tests/bench/bench.mjs"), page.join("bench.mjs")),
        (
            node_modules.join("fuse.js/dist/fuse.mjs"),
            page.join("fuse.mjs"),
        ),
        (
            node_modules.join("minisearch/dist/es/index.js"),
            page.join("minisearch.js"),
        ),
    ] {
        std::fs::copy(&from, &to).map_err(|e| format!("copying {}: {e}", from.display()))?;
    }
    let tracks: Vec<String> = if tracks.is_empty() {
        let mut defaults = vec![
            "tests/tracks/zh-cn-shop".to_owned(),
            "tests/tracks/zh-tw-shop".to_owned(),
        ];
        // The public English dev tracks, when the shared folder is next to the project.
        for name in ["en-shop-k5", "en-banking-oos-k5", "en-clinc-k5"] {
            let dir = root.join("../shared/eval/dev").join(name);
            if dir.join("faq.json").is_file() {
                defaults.push(dir.display().to_string());
            }
        }
        let synthetic = eval::write_synthetic_track(1_000, &root.join("target/tracks"))?;
        defaults.push(synthetic.display().to_string());
        defaults
    } else {
        tracks.to_vec()
    };
    // Kefu's bundles are built here, as publishing builds them (natively, with the related
    // words): the page loads them as the widget does. Each track's FAQ is copied next to its
    // bundle, so that the JavaScript engines index the very same one.
    let data = page.join("data");
    std::fs::create_dir_all(&data).map_err(|e| format!("creating {}: {e}", data.display()))?;
    for dir in &tracks {
        let dir = Path::new(dir);
        let demo = root.join("www/demo/faq/zh-CN.json");
        let faq = eval::faq_for(dir, Some(&demo)).unwrap_or(demo);
        let entries = eval::load_faq(&faq)?;
        let started = Instant::now();
        let bytes = kefu_faq::Matcher::new(&entries).to_bytes();
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        println!(
            "bench: {name}: bundle published in {:.0} ms ({} bytes)",
            started.elapsed().as_secs_f64() * 1e3,
            bytes.len()
        );
        let out = data.join(format!("{name}.kfx"));
        std::fs::write(&out, bytes).map_err(|e| format!("writing {}: {e}", out.display()))?;
        // The same FAQ for Fuse.js and MiniSearch: the page script takes it from here.
        let copy = data.join(format!("{name}.faq.json"));
        std::fs::copy(&faq, &copy).map_err(|e| format!("copying {}: {e}", faq.display()))?;
    }
    Step::new("bench: Kefu vs Fuse.js vs MiniSearch in headless Chromium")
        .program("node")
        .arg("tests/bench/run.mjs")
        .arg(&page)
        .args(tracks)
        .env("CHROMIUM", tools::CHROMIUM)
        .run()
}

/// `cargo xtask synthetic N`: writes a synthetic N-entry track and prints its folder.
fn synthetic(args: &[String]) -> Result<(), String> {
    let entries: usize = match args {
        [n] => n
            .parse()
            .map_err(|_| format!("synthetic: {n:?} is not a number"))?,
        _ => return Err(format!("synthetic: how many entries?\n\n{USAGE}")),
    };
    let dir = eval::write_synthetic_track(entries, &project_root().join("target/tracks"))?;
    println!("{}", dir.display());
    Ok(())
}

fn demo(server_args: &[String]) -> Result<(), String> {
    tools::ensure_build_tools()?;
    build_widget()?;
    sizes::report(&project_root().join("dist"))?;
    let mut args = vec!["run", "-p", "kefu-server", "--profile", "server", "--"];
    if !server_args.iter().any(|a| a == "--bind") {
        args.extend(["--bind", "127.0.0.1:8080"]);
    }
    if !server_args.iter().any(|a| a == "--demo") {
        args.push("--demo");
    }
    args.extend(server_args.iter().map(String::as_str));
    println!("\nStarting the demo shop; open http://127.0.0.1:8080/ (Ctrl+C stops it).");
    cargo("server: kefu-server --demo", &args).run()
}

fn test() -> Result<(), String> {
    let started = Instant::now();
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    let wasm = ["--target", "wasm32-unknown-unknown"];

    cargo("format", &["fmt", "--all", "--check"]).run()?;
    cargo(
        "lint (native)",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )
    .run()?;
    cargo(
        "lint (wasm32)",
        &[
            "clippy",
            "-p",
            "kefu-widget",
            "-p",
            "kefu-api",
            "-p",
            "kefu-faq",
            wasm[0],
            wasm[1],
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )
    .run()?;
    cargo("unit and server tests", &["test", "--workspace"]).run()?;
    // The server's suite again with every test on its own PostgreSQL database, plus the tests
    // that need PostgreSQL (two servers on one database).
    let postgres = postgres::Postgres::start()?;
    cargo(
        "server tests on PostgreSQL",
        &["test", "-p", "kefu-server", "--tests"],
    )
    .env("KEFU_TEST_POSTGRES", postgres.url())
    .run()?;
    cargo("docs", &["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .run()?;
    cargo(
        "browser tests (wasm-bindgen-test, headless Chromium)",
        &[
            "test",
            "-p",
            "kefu-widget",
            wasm[0],
            wasm[1],
            "--test",
            "panel",
        ],
    )
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", tools::CHROMEDRIVER)
    .run()?;
    build_widget()?;
    let sizes = sizes::report(&project_root().join("dist"))?;
    // `cargo test` built target/debug/kefu-server for the server's integration tests; a
    // separate `cargo build` would rebuild it with other features on every run.
    run::end_to_end(Some(postgres.url()))?;
    drop(postgres);
    println!("\n{sizes}");
    println!(
        "xtask test: every check passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
