// End-to-end: the agent console (/console/) in real Chromium against the real server, with cases
// handed over by the real widget on the demo shop. Helpers and settings: support.mjs; the
// console's account from KEFU_CONSOLE_USER and KEFU_CONSOLE_PASSWORD (the --demo account by default).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  browser, axePath, BASE, SHOTS, DESKTOP, STILL, shopPage, openWidget, openWithFaq, askWidget, human, agentGet,
} from "./support.mjs";

const USER = process.env.KEFU_CONSOLE_USER || "demo";
const PASSWORD = process.env.KEFU_CONSOLE_PASSWORD || "kefu-demo";
const TABLET = { ...STILL, viewport: { width: 768, height: 1024 }, hasTouch: true };
const AXE = readFileSync(axePath, "utf8");

// Letters only: a long digit run could pass the Luhn check and be masked as a card number.
const tag = () => Array.from({ length: 10 }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]).join("");

// The console in a fresh browser context (so signed out), in Simplified Chinese unless the
// options say otherwise, recording page errors, alert()s and CSP violations.
async function consolePage(options = DESKTOP, hash = "") {
  const context = await browser.newContext({ locale: "zh-CN", ...options });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`), true);
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const dialogs = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  await page.goto(`${BASE}/console/${hash}`);
  await page.locator("#login-name").waitFor();
  return { context, page, errors, dialogs, csp: () => page.evaluate(() => window.__csp) };
}

async function signIn(page, password = PASSWORD) {
  await page.locator("#login-name").fill(USER);
  await page.locator("#login-password").fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/agent/login"));
  await page.locator(".login button[type=submit]").click();
  return (await answer).status();
}

// A shopper on the demo shop reaches a person: optionally asks the bot first (the question then
// fills the form and the transcript), presses the human button, sends the form.
async function handOff({ ask, message }) {
  const { context, page } = await shopPage(DESKTOP);
  if (ask) {
    await openWithFaq(page);
    await askWidget(page, ask);
  } else {
    await openWidget(page);
  }
  if (!(await page.locator(".kefu-form").count())) await human(page).click();
  await page.locator(".kefu-form").waitFor();
  if (message) await page.locator("#kefu-form-message").fill(message);
  const posted = page.waitForResponse((r) => r.url().endsWith("/api/v1/escalations"));
  await page.locator(".kefu-form .kefu-primary").click();
  const response = await posted;
  assert.equal(response.status(), 201);
  const receipt = await response.json();
  await page.locator(".kefu-receipt").waitFor();
  return { context, page, caseId: receipt.case_id, token: receipt.access_token };
}

async function axeViolations(page) {
  // Evaluated through the DevTools protocol, which the console's CSP does not govern.
  await page.evaluate(AXE);
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`));
}

const row = (page, caseId) => page.locator(`.case-row[data-case="${caseId}"]`);

test("sign-in: a wrong password is refused in place, the right one opens the queue", async () => {
  const { context, page, errors, csp } = await consolePage(DESKTOP, "#/queue");
  assert.equal(await page.evaluate(() => location.hash), "#/login", "signed out, any view shows the login");
  assert.equal(await page.locator("h1").textContent(), "登录客服工作台");
  assert.deepEqual(await axeViolations(page), [], "login view");
  await page.screenshot({ path: join(SHOTS, "console-login-desktop.png") });

  assert.equal(await signIn(page, `${PASSWORD}-wrong`), 401);
  await page.locator("#login-error", { hasText: "用户名或密码错误" }).waitFor();
  assert.equal(await page.locator("#login-password").getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator(".queue-list").count(), 0);
  await page.screenshot({ path: join(SHOTS, "console-login-error-desktop.png") });

  assert.equal(await signIn(page), 200);
  await page.locator(".queue-list").waitFor();
  assert.equal(await page.evaluate(() => location.hash), "#/queue", "back to the view asked for");
  await page.locator("#live[data-state=on]").waitFor();
  assert.equal(await page.locator("#agent-name").textContent(), `已登录：${USER}`);

  // Signing out goes back to the login; the session is over on the server too.
  await page.getByRole("button", { name: "退出登录" }).click();
  await page.locator("#login-name").waitFor();
  await page.reload();
  await page.locator("#login-name").waitFor();
  assert.deepEqual(errors, []);
  assert.deepEqual(await csp(), []);
  await context.close();
});

test("after too many failed sign-ins the login says how long to wait", async () => {
  // Counted per name: a name of this test's own leaves the real account alone.
  const name = `nobody-${tag()}`;
  const fail = () => fetch(`${BASE}/api/v1/agent/login`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name, password: "x" }),
  });
  let status = 401;
  for (let i = 0; i < 20 && status === 401; i++) status = (await fail()).status;
  assert.equal(status, 429);
  const { context, page } = await consolePage();
  await page.locator("#login-name").fill(name);
  await page.locator("#login-password").fill("x");
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await page.locator("#login-error", { hasText: /失败次数太多，请 1[45] 分钟后再试/ }).waitFor();
  assert.equal(await page.getByRole("button", { name: "登录", exact: true }).isDisabled(), true, "no point trying now");
  await context.close();
});

test("a hand-off from the widget appears live in the queue; the agent opens it, replies and resolves", async () => {
  const agent = await consolePage();
  await signIn(agent.page);
  await agent.page.locator("#live[data-state=on]").waitFor();
  await agent.page.evaluate(() => (window.__sameDocument = true));

  const marker = tag();
  const shopper = await handOff({ message: `礼盒破损了，想换一个 ${marker}` });
  const { caseId } = shopper;
  const listed = row(agent.page, caseId);
  await listed.waitFor();
  assert.equal(await agent.page.evaluate(() => window.__sameDocument), true, "no reload");
  assert.equal(await listed.locator(".preview").textContent(), `礼盒破损了，想换一个 ${marker}`);
  assert.match(await listed.locator(".urgency").textContent(), /紧急度 \d+/);
  assert.match(await listed.locator(".meta-page").textContent(), /^127\.0\.0\.1:\d+\/$/);
  assert.equal(await listed.locator(".meta-locale").textContent(), "简体中文");
  await agent.page.locator("#status", { hasText: `新案件 ${caseId}` }).waitFor();

  // A click anywhere on the row opens the case.
  await listed.locator(".row-meta").click();
  await agent.page.locator("#case-title", { hasText: `案件 ${caseId}` }).waitFor();
  assert.equal(await agent.page.evaluate(() => location.hash), `#/case/${caseId}`);
  assert.equal(await listed.locator(".case-link").getAttribute("aria-current"), "true");
  const link = agent.page.locator(".page-url a");
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
  assert.equal(await link.getAttribute("target"), "_blank");

  // Ctrl+Enter sends, with the CSRF token; the reply shows in the case and in the widget.
  // While an IME is composing, Ctrl+Enter belongs to the IME and sends nothing.
  const reply = "您好，我是小林，已为您安排换货。";
  await agent.page.locator("#reply-text").fill(reply);
  const taken = (isComposing) => agent.page.locator("#reply-text").evaluate((box, isComposing) => {
    const event = new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, isComposing, bubbles: true, cancelable: true });
    box.dispatchEvent(event);
    return event.defaultPrevented;
  }, isComposing);
  assert.equal(await taken(true), false, "composing: not sent");
  assert.equal(await agent.page.locator("#reply-text").inputValue(), reply);
  assert.match(await agent.page.locator("#reply-count").textContent(), /^16 \/ 2000/);
  const sent = agent.page.waitForResponse((r) => r.url().endsWith(`/cases/${caseId}/replies`));
  await agent.page.locator("#reply-text").press("Control+Enter");
  const response = await sent;
  assert.equal(response.status(), 201);
  assert.ok(response.request().headers()["x-csrf-token"], "the CSRF header is sent");
  await agent.page.locator(".events-list .event-agent", { hasText: reply }).waitFor();
  await agent.page.locator("#status", { hasText: `已回复 ${caseId}` }).waitFor();
  assert.equal(await agent.page.locator("#reply-text").inputValue(), "");
  await shopper.page.locator(".kefu-message--agent", { hasText: "已为您安排换货" }).waitFor({ timeout: 20_000 });

  // An empty reply is refused in place, without a request.
  await agent.page.locator("#reply-text").fill("   ");
  await agent.page.getByRole("button", { name: "发送回复" }).click();
  await agent.page.locator("#reply-error", { hasText: "请先输入回复内容" }).waitFor();
  assert.equal(await agent.page.locator("#reply-text").getAttribute("aria-invalid"), "true");
  await agent.page.screenshot({ path: join(SHOTS, "console-case-replied-desktop.png"), fullPage: true });

  await agent.page.getByRole("button", { name: "标记已解决" }).click();
  await agent.page.locator(".case-title-row .chip-resolved").waitFor();
  await agent.page.locator("#status", { hasText: `案件 ${caseId} 已解决` }).waitFor();
  await listed.waitFor({ state: "detached" }); // the queue shows open cases
  assert.equal(await agent.page.getByRole("button", { name: "重新打开" }).count(), 1);
  assert.equal((await agentGet(`cases/${caseId}`)).case.status, "resolved");
  await agent.page.locator("#filter-status").selectOption("resolved");
  await row(agent.page, caseId).locator(".chip-done").waitFor();

  assert.deepEqual(agent.errors, []);
  assert.deepEqual(await agent.csp(), []);
  await shopper.context.close();
  await agent.context.close();
});

test("without the live stream the queue is polled every 10 s, and live again when the stream is back", async () => {
  const { context, page, errors } = await consolePage();
  const stream = `${BASE}/api/v1/agent/stream`;
  await page.route(stream, (route) => route.abort());
  await signIn(page);
  await page.locator("#live[data-state=off]:not([hidden])").waitFor();
  assert.match(await page.locator("#live").textContent(), /正在重连/);
  const shopper = await handOff({ message: `没有实时连接也要看到 ${tag()}` });
  await shopper.context.close();
  await row(page, shopper.caseId).waitFor({ timeout: 25_000 });
  await page.unroute(stream);
  await page.locator("#live[data-state=on]").waitFor({ timeout: 25_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("when the session ends, the next request shows the login; signing in again goes back with the draft kept", async () => {
  const shopper = await handOff({ message: `会话过期 ${tag()}` });
  await shopper.context.close();
  const { context, page, errors } = await consolePage(DESKTOP, `#/case/${shopper.caseId}`);
  await signIn(page);
  await page.locator("#case-title", { hasText: shopper.caseId }).waitFor();
  await context.clearCookies();
  await page.locator("#reply-text").fill("稍等，我查一下");
  const refused = page.waitForResponse((r) => r.url().endsWith("/replies"));
  await page.getByRole("button", { name: "发送回复" }).click();
  assert.equal((await refused).status(), 401);
  await page.locator("#login-name").waitFor();
  assert.equal(await page.evaluate(() => location.hash), "#/login");
  await signIn(page);
  await page.locator("#case-title", { hasText: shopper.caseId }).waitFor();
  assert.equal(await page.locator("#reply-text").inputValue(), "稍等，我查一下");
  assert.deepEqual(errors, []);
  await context.close();
});

test("hostile text from a shopper shows as text and runs nothing", async () => {
  const hostile = "<img src=x onerror=alert(1)>";
  const shopper = await handOff({ ask: hostile });
  await shopper.context.close();
  const { caseId } = shopper;

  // Asked for before sign-in, the case opens after it.
  const { context, page, errors, dialogs, csp } = await consolePage(DESKTOP, `#/case/${caseId}`);
  assert.equal(await signIn(page), 200);
  await page.locator("#case-title", { hasText: caseId }).waitFor();
  assert.equal(await page.locator(".asked-text").textContent(), hostile);
  assert.equal(await page.locator(".transcript .line-shopper .line-text").first().textContent(), hostile);
  await row(page, caseId).waitFor();
  assert.equal(await row(page, caseId).locator(".preview").textContent(), hostile);
  assert.equal(await page.locator("main img, main script, main [onerror]").count(), 0, "no element was made from the text");
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  assert.deepEqual(await csp(), []);
  await context.close();
});

test("the order card shows state, tracking, items, total and timeline; a page that is not http(s) is no link", async () => {
  const now = Date.now();
  const order = {
    order_number: "DD20261118-4471", state: "shipped", carrier: "顺丰速运", tracking_number: "SF1234567890",
    estimated_delivery: "2026-11-23", updated_at_ms: now, items: [{ name: "明前龙井 250g 礼盒装", quantity: 2 }],
    total_cents: 53600, currency: "CNY",
    events: [{ state: "placed", at_ms: now - 86_400_000 }, { state: "shipped", at_ms: now, note: "杭州仓已发出" }],
  };
  const posted = await fetch(`${BASE}/api/v1/escalations`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": `console-${tag()}` },
    body: JSON.stringify({
      session: `console-${tag()}`, locale: "zh-CN", page_url: "javascript:alert(1)", reason: "button",
      message: "订单到哪了", summary: "", transcript: [], order,
    }),
  });
  assert.equal(posted.status, 201);
  const { case_id: caseId } = await posted.json();
  const { context, page, errors, dialogs } = await consolePage(DESKTOP, `#/case/${caseId}`);
  await signIn(page);
  const card = page.locator(".order");
  await card.waitFor();
  assert.match(await card.locator("h3").textContent(), /订单 DD20261118-4471\s*已发货/);
  const text = await card.textContent();
  for (const part of ["顺丰速运", "SF1234567890", "明前龙井 250g 礼盒装 × 2", "¥536.00", "已下单", "杭州仓已发出"]) {
    assert.ok(text.includes(part), `${part} in ${text}`);
  }
  assert.equal(await page.locator(".page-url a").count(), 0);
  assert.equal(await page.locator(".page-url").textContent(), "javascript:alert(1)");
  assert.match(await row(page, caseId).locator(".meta-order").textContent(), /DD20261118-4471 · 已发货/);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("abusive words are masked for the agent until revealed, everywhere and on every render", async () => {
  const marker = tag();
  const words = `你们这什么垃圾客服，傻逼 idiot ${marker}`;
  const masked = `你们这什么＊＊＊＊，＊＊ ＊＊＊＊＊ ${marker}`;
  // "客服" in "垃圾客服" asks for a person at once: the form opens empty, so it is filled too.
  const shopper = await handOff({ ask: words, message: words });
  await shopper.context.close();
  const { caseId } = shopper;

  const { context, page, errors } = await consolePage();
  await signIn(page);
  const listed = row(page, caseId);
  await listed.waitFor();
  assert.equal(await listed.locator(".preview .masked-text").textContent(), masked);

  // The keyboard opens the case: Enter on the case number.
  await listed.locator(".case-link").focus();
  await page.keyboard.press("Enter");
  await page.locator("#case-title", { hasText: caseId }).waitFor();
  const asked = page.locator(".asked-text");
  const reveal = asked.getByRole("button", { name: "显示原文" });
  assert.equal(await asked.locator(".masked-text").textContent(), masked);
  assert.equal(await reveal.getAttribute("aria-pressed"), "false");
  const line = page.locator(".transcript .line-shopper .line-text").first();
  assert.equal(await line.locator(".masked-text").textContent(), masked, "the transcript too");
  await page.screenshot({ path: join(SHOTS, "console-case-masked-desktop.png") });

  await reveal.click();
  assert.equal(await reveal.getAttribute("aria-pressed"), "true");
  assert.equal(await asked.locator(".masked-text").textContent(), words);
  assert.equal(await line.locator(".masked-text").textContent(), masked, "only what was asked for is shown");
  await reveal.click();
  assert.equal(await asked.locator(".masked-text").textContent(), masked);

  // Revealed, then drawn again (here: in another language): masked again.
  await reveal.click();
  await page.locator("#lang-select").selectOption("en");
  await page.locator("#case-title", { hasText: `Case ${caseId}` }).waitFor();
  assert.equal(await page.locator(".asked-text .masked-text").textContent(), masked);
  assert.equal(await page.locator(".asked-text").getByRole("button", { name: "Show original" }).getAttribute("aria-pressed"), "false");
  assert.deepEqual(errors, []);
  await context.close();
});

test("blocking a shopper asks first; their next message is held and shown greyed", async () => {
  const shopper = await handOff({ message: `我要投诉 ${tag()}` });
  await shopper.context.close();
  const { caseId, token } = shopper;
  const { context, page, errors } = await consolePage(DESKTOP, `#/case/${caseId}`);
  await signIn(page);
  await page.locator("#case-title", { hasText: caseId }).waitFor();

  const block = page.getByRole("button", { name: "屏蔽顾客" });
  await block.click();
  const dialog = page.getByRole("dialog", { name: "屏蔽这位顾客？" });
  await dialog.waitFor();
  assert.deepEqual(await axeViolations(page), [], "the confirmation");
  await dialog.getByRole("button", { name: "取消" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal((await agentGet(`cases/${caseId}`)).case.blocked, false, "cancel blocks nobody");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "屏蔽顾客", "focus goes back");

  await block.click();
  const blocked = page.waitForResponse((r) => r.url().endsWith(`/cases/${caseId}/block`));
  await dialog.getByRole("button", { name: "屏蔽", exact: true }).click();
  assert.equal((await blocked).status(), 200);
  await page.locator(".case-title-row .chip-blocked").waitFor();
  assert.equal((await agentGet(`cases/${caseId}`)).case.blocked, true);

  const followUp = await fetch(`${BASE}/api/v1/escalations/${caseId}/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ text: "你们这帮废物" }),
  });
  assert.equal(followUp.status, 201);
  // Held messages wake nobody (no stream event); the agent sees them on the next look.
  await page.reload();
  const held = page.locator(".events-list .event-held");
  await held.waitFor();
  assert.match(await held.locator(".speaker").textContent(), /已拦截/);
  assert.equal(await held.locator(".masked-text").textContent(), "你们这帮＊＊");
  await page.screenshot({ path: join(SHOTS, "console-case-blocked-desktop.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test("queue, case, FAQ dialog and insights pass axe-core at 1280×800 and 768×1024", async () => {
  const shopper = await handOff({ ask: "运费怎么算", message: `运费能便宜点吗 ${tag()}` });
  await shopper.context.close();
  const { caseId } = shopper;
  for (const [name, options] of [["desktop", DESKTOP], ["tablet", TABLET]]) {
    const { context, page, errors, csp } = await consolePage(options);
    await signIn(page);
    await row(page, caseId).waitFor();
    assert.deepEqual(await axeViolations(page), [], `${name}: queue`);
    await page.screenshot({ path: join(SHOTS, `console-queue-${name}.png`) });

    await row(page, caseId).locator(".case-link").click();
    await page.locator("#case-title", { hasText: caseId }).waitFor();
    await page.locator(".transcript .faq-label").first().waitFor();
    // Under the shopper's question: what the bot did with it, and how sure it was.
    assert.match(await page.locator(".transcript .line-shopper .verdict").first().textContent(),
      /^机器人回答了「运费怎么算？」· 把握 \d+%$/);
    assert.deepEqual(await axeViolations(page), [], `${name}: case`);
    await page.screenshot({ path: join(SHOTS, `console-case-${name}.png`) });
    await page.screenshot({ path: join(SHOTS, `console-case-${name}-full.png`), fullPage: true });

    // On the tablet the queue folds above the open case, and every control is finger-sized.
    if (name === "tablet") {
      const toggle = page.locator(".queue-toggle");
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      assert.equal(await page.locator(".queue-list").isVisible(), false);
      await toggle.click();
      assert.equal(await toggle.getAttribute("aria-expanded"), "true");
      await page.locator(".queue-list").waitFor();
      const small = await page.evaluate(() => [...document.querySelectorAll("button, select, input, textarea, .nav a, .case-link")]
        .filter((el) => el.checkVisibility())
        .map((el) => [el.id || el.className || el.textContent, el.getBoundingClientRect().height])
        .filter(([, height]) => height < 44));
      assert.deepEqual(small, []);
    }

    // Save as FAQ: the question is the shopper's message; the entry the bot answered is chosen.
    await page.getByRole("button", { name: "存为 FAQ" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    assert.match(await page.locator("#faq-question").inputValue(), /^运费能便宜点吗/);
    assert.equal(await page.locator("#faq-mode-variant").isChecked(), true);
    assert.equal(await page.locator("#faq-entry").inputValue(), "shipping_fee");
    assert.equal(await page.locator("#faq-answer").isDisabled(), true, "a variant keeps the entry's answer");
    await page.locator("#faq-mode-new").check();
    assert.equal(await page.locator("#faq-answer").isEditable(), true, "a new entry needs one");
    assert.equal(await page.locator("#faq-entry").isVisible(), false);
    assert.deepEqual(await axeViolations(page), [], `${name}: save as FAQ`);
    await page.screenshot({ path: join(SHOTS, `console-faq-dialog-${name}.png`) });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    await page.getByRole("link", { name: "数据洞察" }).click();
    await page.locator(".insight.deflection .big-number").waitFor();
    assert.equal(await page.locator(".insight svg[role=img]").count() >= 2, true, "charts, not only tables");
    assert.deepEqual(await axeViolations(page), [], `${name}: insights`);
    await page.screenshot({ path: join(SHOTS, `console-insights-${name}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(await csp(), []);
    await context.close();
  }
});

test("the console speaks the agent's language and remembers the choice", async () => {
  const { context, page, errors } = await consolePage({ ...DESKTOP, locale: "zh-TW" });
  assert.equal(await page.locator("h1").textContent(), "登入客服工作台");
  await signIn(page);
  await page.locator("#queue-title", { hasText: "待處理佇列" }).waitFor();
  await page.locator("#lang-select").selectOption("en");
  await page.locator("#queue-title", { hasText: "Queue" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  await page.reload();
  await page.locator("#queue-title", { hasText: "Queue" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Insights" }).count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});
