//! After Trunk: a check that the wasm carries no text formatter, shorter wasm import/export
//! names (the JS glue patched to match), minified JS and CSS, and Brotli and gzip copies of
//! every text or wasm file for the server to send. Part of `cargo xtask build`.

use crate::run::Step;
use std::path::Path;

/// Fails if the widget's wasm as rustc wrote it (`wasm`, before wasm-bindgen and wasm-opt,
/// with its function names) holds anything of `core::fmt`. The widget formats nothing, and the
/// formatter costs about 0.75 KB gzip of the 100 KB budget: it creeps back in through Yew,
/// which makes text nodes with `ToString`, formatting everything but `&str` and `String` (a
/// `&String` or an `AttrValue` in `html!` must be given as `.as_str()`), or through a
/// `format!` or a `Display`. Without function names there is nothing to tell; it says so.
pub fn check_no_formatter(wasm: &Path) -> Result<(), String> {
    let bytes = std::fs::read(wasm).map_err(|e| format!("reading {}: {e}", wasm.display()))?;
    match carries_core_fmt(&bytes) {
        Some(false) => Ok(()),
        Some(true) => Err(format!(
            "{} carries core::fmt (about 0.75 KB gzip): a String or AttrValue given to html! \
             other than as .as_str(), or a format!, to_string() or Display in the widget's code? \
             `twiggy paths` on that file names the caller",
            wasm.display()
        )),
        None => {
            println!(
                "widget: {} has no function names; core::fmt not checked",
                wasm.display()
            );
            Ok(())
        }
    }
}

/// Whether wasm with Rust's (v0-mangled) function names holds any `core::fmt` item; `None`
/// when it has no such names (not even `core::ptr`'s, which every Rust program has).
fn carries_core_fmt(wasm: &[u8]) -> Option<bool> {
    let holds = |name: &[u8]| wasm.windows(name.len()).any(|w| w == name);
    holds(b"4core3ptr").then(|| holds(b"4core3fmt"))
}

/// wasm-bindgen names every import `./kefu-widget_bg.js` `__wbg_<name>_<hash>`: 150 of them
/// cost about 3 KB gzip. wasm-opt renames imports, exports and the module to one or two
/// letters and prints the mapping; the glue is patched to the new names.
pub fn minify_wasm_names(dist: &Path) -> Result<(), String> {
    let wasm = dist.join("kefu-widget_bg.wasm");
    let glue = dist.join("kefu-widget.js");
    let mapping = Step::new("widget: wasm-opt --minify-imports-and-exports-and-modules")
        .program("wasm-opt")
        // The features rustc's wasm32 target uses by default; `--all-features` would let
        // wasm-opt write compact imports, which browsers do not read yet.
        .args([
            "--enable-bulk-memory",
            "--enable-mutable-globals",
            "--enable-multivalue",
            "--enable-nontrapping-float-to-int",
            "--enable-reference-types",
            "--enable-sign-ext",
            "--minify-imports-and-exports-and-modules",
            // One more size pass: shorter names change what -Oz finds worth inlining and
            // merging, and flattening and re-looping the control flow again finds more
            // (about 0.6 KB gzip in all). Rust's stack sits below its data, far above
            // address 1024, so the low memory is never used.
            "--low-memory-unused",
            "--flatten",
            "--rereloop",
            "-Oz",
            "-Oz",
            "--strip-producers",
            "--strip-target-features",
            "-o",
        ])
        .args([&wasm, &wasm])
        .output()
        .ok_or("wasm-opt could not minify the wasm's import and export names")?;
    let mapping: Mapping = serde_json::from_str(&mapping)
        .map_err(|e| format!("reading wasm-opt's name mapping: {e}"))?;
    let js = std::fs::read_to_string(&glue).map_err(|e| format!("reading {glue:?}: {e}"))?;
    let js = patch_glue(&js, &mapping)?;
    std::fs::write(&glue, js).map_err(|e| format!("writing {glue:?}: {e}"))
}

/// What wasm-opt prints: `[module, old, new]` per import, `[old, new]` per export.
#[derive(serde::Deserialize)]
struct Mapping {
    imports: Vec<(String, String, String)>,
    exports: Vec<(String, String)>,
}

/// The module every import now comes from (wasm-opt names the first module `a`).
const MINIFIED_MODULE: &str = "a";

fn patch_glue(js: &str, mapping: &Mapping) -> Result<String, String> {
    let mut js = js.to_owned();
    let mut modules: Vec<&str> = mapping.imports.iter().map(|(m, _, _)| m.as_str()).collect();
    modules.dedup();
    let [module] = modules[..] else {
        return Err(format!(
            "expected imports from one module, found {modules:?}"
        ));
    };
    let quoted = format!("\"{module}\"");
    if js.matches(&quoted).count() != 1 {
        return Err(format!("the glue should name {quoted} once"));
    }
    js = js.replace(&quoted, &format!("\"{MINIFIED_MODULE}\""));
    for (_, old, new) in &mapping.imports {
        js = replace_word(&js, old, new);
    }
    for (old, new) in &mapping.exports {
        js = replace_word(&js, &format!("wasm.{old}"), &format!("wasm.{new}"));
    }
    Ok(js)
}

/// `text` with every `old` that is a whole identifier (no identifier character on either
/// side) replaced by `new`.
fn replace_word(text: &str, old: &str, new: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        let before = rest[..at].chars().last().or_else(|| out.chars().last());
        let after = rest[at + old.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            out.push_str(old);
        } else {
            out.push_str(new);
        }
        rest = &rest[at + old.len()..];
    }
    out.push_str(rest);
    out
}

/// Minifies the loader, the fallback form, the order card, the case line, the wasm-bindgen
/// glue and the stylesheet in place with esbuild.
pub fn minify(dist: &Path) -> Result<(), String> {
    for file in [
        "loader.js",
        "fallback.js",
        "order.js",
        "case.js",
        "kefu-widget.js",
        "kefu.css",
    ] {
        let path = dist.join(file);
        let out = dist.join(format!("{file}.min"));
        Step::new(&format!("widget: minify {file}"))
            .program("esbuild")
            .arg(&path)
            .args(["--minify", "--log-level=warning", "--legal-comments=inline"])
            .arg(format!("--outfile={}", out.display()))
            .run()?;
        std::fs::rename(&out, &path).map_err(|e| format!("replacing {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Kinds of file compressed at build time: those the build makes and nothing changes later,
/// the demo FAQ's bundles among them (a FAQ published on the server is sent instead, in its
/// own Brotli copy). Not JSON: the static order files' manifest is rewritten by
/// `kefu-static-orders`, and a stale copy would be served.
const COMPRESSIBLE: &[&str] = &["css", "html", "js", "kfb", "mjs", "svg", "wasm"];

/// Writes `file.br` (Brotli) and `file.gz` (gzip), each at its best level, next to each
/// compressible file under `dir`, and deletes copies whose original is gone. The server sends
/// a copy to browsers that accept its encoding (`precompressed_br`, `precompressed_gzip`):
/// Brotli to nearly all, gzip (what the budgets count and `sizes` reports) to the rest.
pub fn precompress(dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("reading {}: {e}", dir.display()))?
            .path();
        let extension = path
            .extension()
            .and_then(|x| x.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            precompress(&path)?;
        } else if extension == "gz" || extension == "br" {
            if !path.with_extension("").exists() {
                std::fs::remove_file(&path)
                    .map_err(|e| format!("removing {}: {e}", path.display()))?;
            }
        } else if COMPRESSIBLE.contains(&extension) {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            for (suffix, copy) in [("gz", gzip(&bytes)), ("br", brotli(&bytes))] {
                let mut out = path.clone().into_os_string();
                out.push(".");
                out.push(suffix);
                std::fs::write(&out, copy?).map_err(|e| format!("writing {out:?}: {e}"))?;
            }
        }
    }
    Ok(())
}

/// `bytes` gzipped at the best level.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;
    let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
    gzip.write_all(bytes).map_err(|e| e.to_string())?;
    gzip.finish().map_err(|e| e.to_string())
}

/// `bytes` compressed with Brotli at its best quality.
pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_files_get_brotli_and_gzip_copies_and_stale_copies_go() {
        use std::io::Read;
        let dir = std::env::temp_dir().join(format!("kefu-precompress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("console")).unwrap();
        let script = "console.log('kefu');\n".repeat(40);
        std::fs::write(dir.join("loader.js"), &script).unwrap();
        std::fs::write(dir.join("console/console.css"), "a{color:red}").unwrap();
        std::fs::write(dir.join("kefu-orders.json"), "{}").unwrap();
        std::fs::write(dir.join("gone.js.gz"), "stale").unwrap();
        std::fs::write(dir.join("gone.js.br"), "stale").unwrap();
        precompress(&dir).unwrap();
        let mut unzipped = String::new();
        let gz = std::fs::read(dir.join("loader.js.gz")).unwrap();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, script);
        let mut unbrotlied = String::new();
        let br = std::fs::read(dir.join("loader.js.br")).unwrap();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut unbrotlied)
            .unwrap();
        assert_eq!(unbrotlied, script);
        assert!(dir.join("console/console.css.br").exists(), "folders too");
        assert!(
            !dir.join("kefu-orders.json.gz").exists(),
            "JSON is rewritten later"
        );
        assert!(!dir.join("gone.js.gz").exists() && !dir.join("gone.js.br").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_wasm_with_the_formatter_is_told_apart() {
        let names = b"_RINvNtCsf1qQTSN0URU_4core3ptr13drop_in_placeNtCslJCZjGDHk";
        assert_eq!(carries_core_fmt(names), Some(false));
        let with_fmt = [&names[..], b"_RNvNtCsf1qQTSN0URU_4core3fmt5write"].concat();
        assert_eq!(carries_core_fmt(&with_fmt), Some(true));
        assert_eq!(
            carries_core_fmt(b"\0asm\x01\0\0\0"),
            None,
            "no names: not known"
        );
    }

    #[test]
    fn only_whole_names_are_replaced() {
        assert_eq!(
            replace_word(
                "a.mount(); wasm.mount(); wasm.mount_x; xwasm.mount",
                "wasm.mount",
                "wasm.b"
            ),
            "a.mount(); wasm.b(); wasm.mount_x; xwasm.mount"
        );
        assert_eq!(
            replace_word("{__wbg_f_1:1,__wbg_f_12:2}", "__wbg_f_1", "c"),
            "{c:1,__wbg_f_12:2}"
        );
    }

    #[test]
    fn the_glue_gets_the_new_module_import_and_export_names() {
        let mapping = Mapping {
            imports: vec![("./k_bg.js".into(), "__wbg_x_1".into(), "b".into())],
            exports: vec![("mount".into(), "c".into())],
        };
        let js = r#"const i = {__wbg_x_1: f}; return {"./k_bg.js": i}; wasm.mount();"#;
        assert_eq!(
            patch_glue(js, &mapping).unwrap(),
            r#"const i = {b: f}; return {"a": i}; wasm.c();"#
        );
        assert!(patch_glue("no module here", &mapping).is_err());
    }
}
