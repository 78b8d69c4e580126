// End-to-end: the order card in real Chromium — on the real server (POST /api/v1/orders/lookup)
// and in static mode on a plain static file server (files written by kefu-static-orders).
// Helpers and settings: support.mjs. Demo orders: README, "Orders".

import { test } from "node:test";
import assert from "node:assert/strict";
import { join, extname, normalize } from "node:path";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { browser, axePath, BASE, SHOTS, DESKTOP, PHONE, openWidget, openWithFaq, human, cases, scratchServer } from "./support.mjs";

const PATTERN = "DD ?\\d{8}[- ]?\\d{4}";

// A shop page of its own on `origin` whose orders are looked up on the server (no order files).
async function accountPage(origin, { options = DESKTOP, locale = "zh-CN" } = {}) {
  const context = await browser.newContext({ ...options, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.route(`${origin}/account`, (route) => route.fulfill({
    contentType: "text/html; charset=utf-8",
    body: `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1"><title>Account</title></head>
      <body><h1>Account</h1><script src="/kefu/loader.js" data-api="" data-hotline="400-820-8820"
      data-order-pattern="${PATTERN}" async></script></body></html>`,
  }));
  await page.goto(`${origin}/account`);
  await page.locator(".kefu-launcher").waitFor();
  return { context, page, errors };
}

// Sends a message and returns the order card it opened.
async function askForCard(page, text) {
  const before = await page.locator(".kefu-order").count();
  await page.locator(".kefu-input").fill(text);
  await page.keyboard.press("Enter");
  const card = page.locator(".kefu-order").nth(before);
  await card.locator("input[name=order_number]").waitFor();
  return card;
}

// Fills the card and presses its lookup button; returns the lookup's response (server mode).
async function lookUp(card, number, verifier, findLabel) {
  if (number !== null) await card.locator("input[name=order_number]").fill(number);
  await card.locator("input[name=verifier]").fill(verifier);
  await card.getByRole("button", { name: findLabel, exact: true }).click();
}

async function axe(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () =>
    (await window.axe.run("#kefu-host", { resultTypes: ["violations"] })).violations.map((v) => v.id));
}

test("an order number in a Chinese message (full-width) opens the card; the status shows; the hand-off carries the order", async () => {
  const { context, page, errors } = await accountPage(BASE);
  await openWithFaq(page);
  const card = await askForCard(page, "我的订单 ＤＤ２０２６１１１８－４４７１ 到哪了");
  assert.equal(await card.locator("input[name=order_number]").inputValue(), "DD20261118-4471", "prefilled, folded");

  // Malformed input is refused inline, before anything is sent.
  const sent = [];
  page.on("request", (r) => r.url().endsWith("/orders/lookup") && sent.push(r));
  await lookUp(card, null, "138", "查询");
  assert.match(await card.getByRole("alert").textContent(), /手机号后四位/);
  assert.equal(await card.locator("input[name=verifier]").getAttribute("aria-invalid"), "true");
  assert.equal(sent.length, 0);

  const response = page.waitForResponse((r) => r.url().endsWith("/api/v1/orders/lookup"));
  await lookUp(card, null, " Li.Lei@Example.com ", "查询");
  assert.equal((await response).status(), 200);
  assert.ok(!(await response).url().includes("example"), "personal data only in the body");
  await card.locator(".kefu-order-state").waitFor();
  assert.equal(await card.locator(".kefu-order-state").textContent(), "已发货");
  assert.equal(await card.locator("[aria-current=step]").textContent().then((t) => t.slice(0, 3)), "已发货");
  assert.equal(await card.locator("li[data-done]").count(), 3, "placed, paid, shipped");
  const facts = await card.locator("dl").textContent();
  for (const fact of ["顺丰速运", "SF1402837465021", "上海浦东转运中心", "预计送达"]) assert.ok(facts.includes(fact), fact);
  assert.match(await card.locator("ul").textContent(), /无线蓝牙耳机 Pro × 1/);
  assert.deepEqual(await axe(page), [], "the card with a status has no accessibility violations");
  await page.screenshot({ path: join(SHOTS, "desktop-order-status.png") });

  // "Talk to a person about this order": the form opens with the order on top of the summary.
  await card.getByRole("button", { name: "转人工咨询此订单" }).click();
  const form = page.locator(".kefu-form");
  await form.waitFor();
  assert.match(await page.locator("#kefu-form-summary").inputValue(), /^订单 DD20261118-4471：已发货\n/);
  assert.equal(await human(page).count(), 1, "the header's human button stays");
  const posted = page.waitForResponse((r) => r.url().endsWith("/api/v1/escalations"));
  await form.locator(".kefu-primary").click();
  const receipt = await (await posted).json();
  const stored = (await cases()).find((c) => c.case_id === receipt.case_id);
  assert.equal(stored.escalation.order.order_number, "DD20261118-4471");
  assert.equal(stored.escalation.order.state, "shipped");
  assert.equal(stored.escalation.order.items[0].name, "无线蓝牙耳机 Pro");
  assert.equal(stored.escalation.topic, "order_status");
  assert.ok(stored.escalation.transcript.some((l) => l.from === "bot" && l.text === "[查订单 DD20261118-4471]"));

  // The card survives a reload as a fresh form: the number again, never the e-mail.
  await page.reload();
  const restored = page.locator(".kefu-order").first();
  await restored.locator("input[name=order_number]").waitFor();
  assert.equal(await restored.locator("input[name=order_number]").inputValue(), "DD20261118-4471");
  assert.equal(await restored.locator("input[name=verifier]").inputValue(), "");
  assert.ok(!(await page.evaluate(() => localStorage.getItem("kefu.v1"))).includes("li.lei"), "the e-mail is not stored");
  assert.deepEqual(errors, []);
  await context.close();
});

test("in English: a number in the message, a wrong factor looks exactly like an unknown order", async () => {
  const { context, page, errors } = await accountPage(BASE, { locale: "en" });
  await openWithFaq(page);
  const card = await askForCard(page, "hi, where is my order dd 20261117 0932?");
  assert.equal(await card.locator("input[name=order_number]").inputValue(), "dd 20261117 0932");

  // The server answers both the same (status and body); so does the card.
  const answers = [];
  for (const [number, verifier] of [[null, "0000"], ["DD20991231-0000", "han.meimei@example.com"]]) {
    const response = page.waitForResponse((r) => r.url().endsWith("/orders/lookup"));
    await lookUp(card, number, verifier, "Find order");
    const done = await response;
    await card.locator("button[type=submit]:not([disabled])").waitFor();
    answers.push([done.status(), await done.text(), await card.getByRole("alert").textContent()]);
  }
  assert.equal(answers[0][0], 404);
  assert.match(answers[0][2], /No order matches/);
  assert.deepEqual(answers[1], answers[0]);

  await lookUp(card, "dd 20261117 0932", "5678", "Find order");
  await card.locator(".kefu-order-state").waitFor();
  assert.equal(await card.locator(".kefu-order-state").textContent(), "Out for delivery");
  assert.match(await card.locator("dl").textContent(), /Expected delivery/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("five failed tries: the card asks the shopper to wait, and the server's 429 says the same", async () => {
  const scratch = await scratchServer("order-limits");
  try {
    const { context, page } = await accountPage(scratch.server.url);
    await openWidget(page);
    const card = await askForCard(page, "DD20261112-2856 到哪了");
    for (let i = 1; i <= 5; i++) {
      const response = page.waitForResponse((r) => r.url().endsWith("/orders/lookup"));
      await lookUp(card, null, `000${i}`, "查询");
      assert.equal((await response).status(), 404);
    }
    await card.getByRole("alert").filter({ hasText: "查询次数太多了" }).waitFor();
    assert.ok(await card.getByRole("button", { name: "查询", exact: true }).isDisabled());
    await context.close();

    // Another tab does not know the count; the server does (5 failures per order in 15 minutes).
    const other = await accountPage(scratch.server.url);
    await openWidget(other.page);
    const again = await askForCard(other.page, "DD20261112-2856");
    const limited = other.page.waitForResponse((r) => r.url().endsWith("/orders/lookup"));
    await lookUp(again, null, "3391", "查询");
    assert.equal((await limited).status(), 429);
    await again.getByRole("alert").filter({ hasText: /请 \d+ 分钟后再试/ }).waitFor();
    await other.context.close();
  } finally {
    await scratch.server.stop();
  }
});

// dist/ as any static host serves it, plus a shop page that looks orders up in files.
async function staticShop() {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
    ".wasm": "application/wasm", ".json": "application/json", ".kfb": "application/octet-stream",
    ".bin": "application/octet-stream" };
  const page = `<!doctype html><html lang="zh-TW"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1"><title>靜態商店</title></head>
    <body><h1>靜態商店</h1><script src="/loader.js" data-order-pattern="${PATTERN}"
    data-order-files="/demo/orders/" async></script></body></html>`;
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    if (path === "/shop.html") {
      response.writeHead(200, { "Content-Type": types[".html"] });
      return response.end(page);
    }
    try {
      const body = await readFile(join("dist", path));
      response.writeHead(200, { "Content-Type": types[extname(path)] || "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

test("static mode on a plain file server: the topic opens the card; every terminal state; nothing personal in any URL", async () => {
  const shop = await staticShop();
  const context = await browser.newContext(DESKTOP);
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const urls = [];
    page.on("request", (r) => urls.push(r.url()));
    await page.goto(`${shop.url}/shop.html`);
    await openWithFaq(page);
    // The order topic (an FAQ entry) opens the card without a number.
    const card = await askForCard(page, "我想查訂單");
    assert.equal(await card.locator("input[name=order_number]").inputValue(), "");
    assert.equal(await page.locator(".kefu-answer").count(), 1, "the topic's answer is shown too");

    // The order files' manifest cannot be fetched once: the card says so, and the next try works.
    await page.route("**/kefu-orders.json", (route) => route.abort("failed"), { times: 1 });
    await lookUp(card, "DD20261112-2856", "3391", "查詢");
    await card.getByRole("alert").filter({ hasText: "暫時無法查詢" }).waitFor();
    await lookUp(card, "DD20261112-2856", "0000", "查詢");
    await card.getByRole("alert").filter({ hasText: "找不到" }).waitFor();
    for (const [number, verifier, state, steps] of [
      ["DD20261112-2856", "3391", "已送達", 5],
      ["DD20261105-3388", "emma.wilson@example.com", "已取消", 3],
      ["DD20261028-6620", "0958", "已退貨", 5],
      ["ＤＤ２０２６１０２０－１１４９", "lin.xiaoyu@example.com", "已退款", 6],
    ]) {
      await lookUp(card, number, verifier, "查詢");
      await card.locator(".kefu-order-state").waitFor();
      assert.equal(await card.locator(".kefu-order-state").textContent(), state, number);
      assert.equal(await card.locator(".kefu-order-steps li").count(), steps, `${number}: the steps it reached`);
      assert.ok((await card.locator("[aria-current=step]").textContent()).startsWith(state));
      assert.ok(!(await card.locator("dl").textContent()).includes("預計送達"), "no delivery date once it ended");
      if (state === "已退款") await page.screenshot({ path: join(SHOTS, "desktop-order-static-refunded.png") });
      await card.getByRole("button", { name: "查詢其他訂單" }).click();
    }
    assert.deepEqual(urls.filter((u) => /DD2026|example|3391|0958/i.test(u)), []);
    assert.ok(urls.filter((u) => u.endsWith(".bin")).every((u) => /\/[0-9a-f]{64}\.bin$/.test(u)));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await shop.close();
  }
});

test("on a phone the order card fits the screen and its controls are large enough to tap", async () => {
  const { context, page, errors } = await accountPage(BASE, { options: PHONE });
  await openWidget(page, { tap: true });
  const card = await askForCard(page, "DD20261121-7310");
  await lookUp(card, null, "2046", "查询");
  await card.locator(".kefu-order-state").waitFor();
  assert.equal(await card.locator(".kefu-order-state").textContent(), "已下单");
  const box = await card.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `the card fits: ${JSON.stringify(box)}`);
  for (const button of await card.getByRole("button").all()) {
    assert.ok((await button.boundingBox()).height >= 44, "44 px touch targets");
  }
  await page.screenshot({ path: join(SHOTS, "phone-order-status.png") });
  assert.deepEqual(errors, []);
  await context.close();
});
