// Serves the benchmark page from a folder, runs it in Debian's Chromium, prints the table.
// Usage: node tests/bench/run.mjs PAGE_DIR TRACK_DIR...   (run by `cargo xtask bench`)
import { createServer } from "node:http";
import { readFileSync, existsSync, writeFileSync, mkdirSync } from "node:fs";
import { join, basename, extname } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../tools/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const [pageDir, ...tracks] = process.argv.slice(2);
if (!pageDir || tracks.length === 0) {
  console.error("usage: node tests/bench/run.mjs PAGE_DIR TRACK_DIR...");
  process.exit(2);
}

// One JSON file per track with its FAQ and queries. The xtask has put the FAQ it published
// Kefu's bundle from (the track's own, or the demo's) in data/NAME.faq.json.
mkdirSync(join(pageDir, "data"), { recursive: true });
const names = [];
for (const dir of tracks) {
  const name = basename(dir);
  const faq = JSON.parse(readFileSync(join(pageDir, "data", `${name}.faq.json`), "utf8"));
  const queries = readFileSync(join(dir, "queries.jsonl"), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  writeFileSync(join(pageDir, "data", `${name}.json`), JSON.stringify({ faq, queries }));
  names.push(name);
}
writeFileSync(join(pageDir, "data", "tracks.json"), JSON.stringify(names));

const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
const server = createServer((req, res) => {
  const path = join(pageDir, decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html");
  if (!path.startsWith(pageDir) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
  // Cross-origin isolation gives the page the finest timer the browser allows.
  res.writeHead(200, {
    "Content-Type": types[extname(path)] || "application/octet-stream",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
  });
  res.end(readFileSync(path));
}).listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
// KEFU_BENCH_ONLY=kefu measures Kefu alone.
const only = process.env.KEFU_BENCH_ONLY ? `?only=${encodeURIComponent(process.env.KEFU_BENCH_ONLY)}` : "";
const url = `http://127.0.0.1:${server.address().port}/index.html${only}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(url);
  await page.waitForFunction(() => window.results, null, { timeout: 600_000 });
  const results = await page.evaluate(() => window.results);
  // The first load and then the first query in a fresh page (medians of 5): the bench page's
  // own first load comes after other tracks' loads and queries, which ran much of the same code.
  for (const t of results) {
    const loads = [];
    const firstQueries = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext();
      const fresh = await context.newPage();
      await fresh.goto(url.replace(/index\.html.*/, `fresh.html?track=${encodeURIComponent(t.track)}`));
      await fresh.waitForFunction(() => window.firstQueryMs !== undefined, null, { timeout: 60_000 });
      loads.push(await fresh.evaluate(() => window.loadMs));
      firstQueries.push(await fresh.evaluate(() => window.firstQueryMs));
      await context.close();
    }
    const median = (values) => values.sort((a, b) => a - b)[2];
    t.engines[0].fresh_load_ms = median(loads);
    t.engines[0].fresh_query_ms = median(firstQueries);
  }
  const f = (v, d = 1) => (v === undefined ? "-" : v.toFixed(d));
  console.log("track              entries queries engine          top1   p50_us   p99_us  mean_us build_ms load_ms (warm) (fresh) 1st_q_ms prepare_ms  p99 vs kefu");
  for (const t of results) {
    const kefu = t.engines[0];
    for (const e of t.engines) {
      console.log(
        `${t.track.padEnd(18)} ${String(t.entries).padStart(7)} ${String(t.queries).padStart(7)} ${e.engine.padEnd(14)} ${f(e.top1, 3).padStart(6)} ${f(e.p50_us).padStart(8)} ${f(e.p99_us).padStart(8)} ${f(e.mean_us).padStart(8)} ${f(e.build_ms, 2).padStart(8)} ${f(e.load_ms, 2).padStart(7)} ${f(e.warm_load_ms, 2).padStart(6)} ${f(e.fresh_load_ms, 2).padStart(7)} ${f(e.fresh_query_ms, 2).padStart(8)} ${f(e.prepare_ms, 2).padStart(10)} ${(e.p99_us / kefu.p99_us).toFixed(1).padStart(8)}x`,
      );
    }
  }
} finally {
  await browser.close();
  server.close();
}
