//! The widget's size report: raw, gzip and Brotli bytes of what a shop page downloads, FAQ
//! bundles included (gzip, as the server sends them).

use crate::shrink::{brotli, gzip};
use std::path::Path;

/// Prints (and returns) the sizes of the loader, of the fallback form (fetched only when the
/// widget cannot load), of the order card (fetched when the first one is shown), of the case
/// line (fetched once a hand-off is taken) and of the widget's js, wasm and css in `dist`.
pub fn report(dist: &Path) -> Result<String, String> {
    let mut out = String::from("widget sizes (bytes):\n");
    let (mut widget_gzip, mut widget_brotli) = (0, 0);
    for (file, part_of_widget) in [
        ("loader.js", false),
        ("fallback.js", false),
        ("order.js", false),
        ("case.js", false),
        ("kefu-widget.js", true),
        ("kefu-widget_bg.wasm", true),
        ("kefu.css", true),
    ] {
        let path = dist.join(file);
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("reading {}: {e} (build the widget first)", path.display()))?;
        let (gzip, brotli) = (gzip(&bytes)?.len(), brotli(&bytes)?.len());
        if part_of_widget {
            widget_gzip += gzip;
            widget_brotli += brotli;
        }
        out.push_str(&format!(
            "  {file:<22} {:>8} raw {gzip:>8} gzip {brotli:>8} br\n",
            bytes.len(),
        ));
    }
    out.push_str(&format!(
        "  widget on first open (js + wasm + css): {widget_gzip} gzip = {:.1} KB (budget 100 KB), \
         {widget_brotli} br\n",
        widget_gzip as f64 / 1024.0
    ));
    out.push_str(&faq_bundles(&dist.join("faq"))?);
    print!("{out}");
    Ok(out)
}

/// The published demo FAQ bundles (fetched when the panel first opens; the server sends them
/// in Brotli to browsers that accept it, else gzipped), with bytes per entry against the
/// budget's 300 entries × 3 languages in 40 KB gzip (about 46 B an entry).
fn faq_bundles(dir: &Path) -> Result<String, String> {
    let mut out = String::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("reading {}: {e} (build the widget first)", dir.display()))?
        .filter_map(Result::ok)
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|x| x == "kfb"))
        .collect();
    files.sort();
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let entries = kefu_faq::bundle::Bundle::from_bytes(&bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .entries
            .len();
        let (gzip, brotli) = (gzip(&bytes)?.len(), brotli(&bytes)?.len());
        let name = format!(
            "faq/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        out.push_str(&format!(
            "  {name:<22} {:>8} raw {gzip:>8} gzip {brotli:>8} br: {entries} entries, {} B gzip \
             ({} br) each (budget 46)\n",
            bytes.len(),
            gzip / entries.max(1),
            brotli / entries.max(1),
        ));
    }
    Ok(out)
}
