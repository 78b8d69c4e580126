// Shared by the end-to-end tests: the browser, the demo shop's pages, the agents' API, and
// servers of a test's own. Environment: KEFU_URL (the shared server), KEFU_AGENT_TOKEN, and
// optionally KEFU_SERVER_BIN, SCREENSHOT_DIR and CHROMIUM.

import { before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(new URL("../../tools/package.json", import.meta.url));
const { chromium } = require("playwright-core");
export const axePath = require.resolve("axe-core/axe.min.js");

export const BASE = process.env.KEFU_URL;
export const AGENT = process.env.KEFU_AGENT_TOKEN;
export const SHOTS = process.env.SCREENSHOT_DIR || "tests/e2e/screenshots";
assert.ok(BASE, "KEFU_URL must point at a running kefu-server --demo");
assert.ok(AGENT, "KEFU_AGENT_TOKEN must be the server's agent token");
mkdirSync(SHOTS, { recursive: true });

export const STILL = { reducedMotion: "reduce" };
export const DESKTOP = { ...STILL, viewport: { width: 1280, height: 800 } };
export const PHONE = { ...STILL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// One headless Chromium per test file (a live binding: set before the first test runs).
export let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
});
after(async () => browser && browser.close());

export async function shopPage(options = DESKTOP, query = "") {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${BASE}/${query}`);
  await page.locator(".kefu-launcher").waitFor();
  return { context, page, errors, requests };
}

// Opens the widget the way a shopper does and waits until the wasm panel is there.
export async function openWidget(page, { tap = false } = {}) {
  const launcher = page.locator(".kefu-launcher");
  if (tap) await launcher.tap();
  else await launcher.click();
  await page.locator(".kefu-panel").waitFor();
}

// Opens the widget and waits for the FAQ bundle, so questions are matched at once.
export async function openWithFaq(page) {
  const bundle = page.waitForResponse((r) => r.url().endsWith(".kfb"));
  await openWidget(page);
  assert.equal((await bundle).status(), 200);
}

export const human = (page) => page.locator(".kefu-header .kefu-human");

export async function cases() {
  const response = await fetch(`${BASE}/api/v1/agent/cases`, {
    headers: { Authorization: `Bearer ${AGENT}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()).cases;
}

export async function agentGet(path) {
  const response = await fetch(`${BASE}/api/v1/agent/${path}`, {
    headers: { Authorization: `Bearer ${AGENT}` },
  });
  assert.equal(response.status, 200);
  return response.json();
}

export async function askWidget(page, text) {
  const before = await page.locator(".kefu-message--bot").count();
  await page.locator(".kefu-input").fill(text);
  await page.keyboard.press("Enter");
  await page.locator(".kefu-message--bot").nth(before).waitFor();
}

// A server of the test's own, on a fixed port and database, that the test can stop and restart.
export async function ownServer(port, database, token, extra = []) {
  const { spawn } = await import("node:child_process");
  const binary = process.env.KEFU_SERVER_BIN || "target/debug/kefu-server";
  const child = spawn(binary, [
    "--bind", `127.0.0.1:${port}`, "--demo", "--assets", "dist",
    "--database", database, "--agent-token", token, ...extra,
  ], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } });
  await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    child.stdout.once("data", resolve);
  });
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    // Stopping a server that already stopped resolves at once (a failed test must not hang).
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.removeAllListeners("exit");
      child.once("exit", resolve);
      child.kill("SIGTERM");
    }),
  };
}

// A fresh database: an SQLite file, or with KEFU_E2E_POSTGRES (a PostgreSQL server's URL, as
// `cargo xtask test` sets for its PostgreSQL run) a new database on that server.
async function freshDatabase(name) {
  const admin = process.env.KEFU_E2E_POSTGRES;
  if (admin) {
    const { execFileSync } = await import("node:child_process");
    const database = `kefu_e2e_${name.replace(/\W/g, "_")}_${process.pid}`;
    execFileSync("psql", [admin, "-q", "-c", `CREATE DATABASE ${database}`]);
    const url = new URL(admin);
    url.pathname = `/${database}`;
    return url.toString();
  }
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  return `sqlite://${join(mkdtempSync(join(tmpdir(), `kefu-${name}-`)), "kefu.db")}`;
}

// A server of the test's own on a free port and a fresh database; `restart()` brings it back
// on the same port and database after `stop()`.
export async function scratchServer(name, extra = []) {
  const port = await freePort();
  const database = await freshDatabase(name);
  const token = `${name}-test`;
  const scratch = {
    token,
    server: await ownServer(port, database, token, extra),
    restart: async () => (scratch.server = await ownServer(port, database, token, extra)),
    cases: async () => {
      const r = await fetch(`${scratch.server.url}/api/v1/agent/cases`, { headers: { Authorization: `Bearer ${token}` } });
      return (await r.json()).cases;
    },
  };
  return scratch;
}

export async function freePort() {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
