//! Installs what the commands need, from the package registries only, and skips what is there.

use crate::run::{cargo, project_root, Step};
use std::path::{Path, PathBuf};

/// Debian's Chromium and its driver, used by every browser test.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// ChromeDriver, for wasm-bindgen-test.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A CJK font, so that screenshots show Chinese text instead of boxes.
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// The Trunk release that builds with this machine's Rust (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";

/// The wasm target, Trunk, wasm-bindgen-cli (the Cargo.lock version) and the npm tools.
pub fn ensure_build_tools() -> Result<(), String> {
    // The release widget rebuilds the standard library (`-Zbuild-std`): it needs the source.
    ensure_rustup("target", "wasm32-unknown-unknown")?;
    ensure_rustup("component", "rust-src")?;
    fetch_std_dependencies()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_npm_tools()
}

/// A rustup `target` or `component`, added unless `rustup <kind> list --installed` names it.
fn ensure_rustup(kind: &str, name: &str) -> Result<(), String> {
    let installed = Step::new("rustup")
        .program("rustup")
        .args([kind, "list", "--installed"])
        .output()
        .unwrap_or_default();
    // Components are listed with their host suffix (`rust-src` has none, `rust-std-…` has).
    if installed.lines().any(|l| l.trim().starts_with(name)) {
        return Ok(());
    }
    Step::new(&format!("install: rustup {kind} add {name}"))
        .program("rustup")
        .args([kind, "add", name])
        .run()
}

/// Downloads the crates the standard library's source depends on (into Cargo's cache, a no-op
/// once they are there): Trunk builds offline, and a fresh machine's cache lacks them.
fn fetch_std_dependencies() -> Result<(), String> {
    let sysroot = Step::new("rustc")
        .program("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok_or("rustc --print sysroot failed")?;
    let manifest = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
    let manifest = manifest.to_string_lossy();
    // The library's manifest uses unstable Cargo features.
    cargo(
        "std sources: cargo fetch",
        &["fetch", "--manifest-path", &manifest],
    )
    .env("RUSTC_BOOTSTRAP", "1")
    .run()
}

fn ensure_trunk() -> Result<(), String> {
    let version = Step::new("trunk").program("trunk").arg_version();
    if version.contains(TRUNK_VERSION) {
        return Ok(());
    }
    println!("Trunk {TRUNK_VERSION} is missing (found {version:?}); installing it takes 8-15 minutes once.");
    cargo(
        "install: trunk",
        &[
            "install",
            "--locked",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--no-default-features",
            "--features",
            "rustls",
        ],
    )
    .run()
}

/// The `wasm-bindgen` version in Cargo.lock; Trunk.toml and the CLI must equal it.
pub fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen".to_owned())
}

fn ensure_wasm_bindgen() -> Result<(), String> {
    let version = locked_wasm_bindgen_version()?;
    let trunk_toml = std::fs::read_to_string(project_root().join("Trunk.toml"))
        .map_err(|e| format!("reading Trunk.toml: {e}"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{version}\"")) {
        return Err(format!(
            "Trunk.toml must pin wasm_bindgen = \"{version}\", the version in Cargo.lock"
        ));
    }
    let installed = Step::new("wasm-bindgen")
        .program("wasm-bindgen")
        .arg_version();
    let runner = Step::new("runner")
        .program("wasm-bindgen-test-runner")
        .arg_version();
    if installed.contains(&version) && runner.contains(&version) {
        return Ok(());
    }
    // Without --locked: the CLI's own lock file names a yanked crate.
    cargo(
        "install: wasm-bindgen-cli",
        &["install", "wasm-bindgen-cli", "--version", &version],
    )
    .run()
}

fn ensure_npm_tools() -> Result<(), String> {
    let tools = project_root().join("tools");
    let bin = tools.join("node_modules/.bin");
    let present = ["wasm-opt", "esbuild"].iter().all(|b| bin.join(b).exists())
        && ["playwright-core", "axe-core", "fuse.js", "minisearch"]
            .iter()
            .all(|p| {
                tools
                    .join("node_modules")
                    .join(p)
                    .join("package.json")
                    .exists()
            });
    if present {
        return Ok(());
    }
    Step::new("install: npm ci (binaryen, esbuild, playwright-core, axe-core, fuse.js, minisearch)")
        .program("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&tools)
        .run()
}

/// Debian's Chromium, ChromeDriver and a CJK font.
pub fn ensure_browser() -> Result<(), String> {
    if [CHROMIUM, CHROMEDRIVER, CJK_FONT]
        .iter()
        .all(|p| Path::new(p).exists())
    {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver", "fonts-noto-cjk"])
}

/// Debian's PostgreSQL server, for the tests on PostgreSQL; returns its `bin` folder.
pub fn ensure_postgres() -> Result<PathBuf, String> {
    if let Some(bin) = postgres_bin() {
        return Ok(bin);
    }
    apt_install(&["postgresql"])?;
    postgres_bin().ok_or_else(|| "postgresql installed, but no /usr/lib/postgresql/*/bin".into())
}

/// The newest `/usr/lib/postgresql/N/bin` holding a server.
fn postgres_bin() -> Option<PathBuf> {
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").exists().then_some((major, bin))
        })
        .max()
        .map(|(_, bin)| bin)
}

/// Whether this process runs as root.
pub fn is_root() -> bool {
    let id = Step::new("id").program("id").args(["-u"]).output();
    id.unwrap_or_default().trim() == "0"
}

/// Installs Debian `packages` with apt-get (through sudo unless root).
fn apt_install(packages: &[&str]) -> Result<(), String> {
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let apt = |name: &str, args: &[&str]| {
        let command: Vec<&str> = sudo
            .iter()
            .chain(["apt-get"].iter())
            .chain(args)
            .copied()
            .collect();
        Step::new(name)
            .program(command[0])
            .args(&command[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .run()
    };
    apt("install: apt-get update", &["update"])?;
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(packages);
    apt(&format!("install: {}", packages.join(", ")), &install)
}

trait VersionProbe {
    /// `PROGRAM --version`, or an empty string when it is missing.
    fn arg_version(self) -> String;
}

impl VersionProbe for Step {
    fn arg_version(self) -> String {
        self.args(["--version"]).output().unwrap_or_default()
    }
}
