// The whole loop of issue 5, on a server of its own (the FAQ it publishes must not change what
// the other tests' widgets answer): a shopper escalates from the widget → the case appears live
// in the agent console → the agent replies → the shopper sees the reply → the agent saves it as
// an FAQ entry → a fresh widget answers that question from the FAQ.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { browser, DESKTOP, SHOTS, scratchServer } from "./support.mjs";

const QUESTION = "可以用数字人民币付款吗";
const ANSWER = "可以。结账时在支付方式里选择数字人民币即可。";

async function shopper(base) {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/`);
  const bundle = page.waitForResponse((r) => r.url().endsWith("/kefu/faq/zh-CN.kfb"));
  await page.locator(".kefu-launcher").click();
  await page.locator(".kefu-panel").waitFor();
  assert.equal((await bundle).status(), 200);
  return { context, page, errors };
}

async function ask(page, text) {
  const before = await page.locator(".kefu-message--bot").count();
  await page.locator(".kefu-input").fill(text);
  await page.keyboard.press("Enter");
  const reply = page.locator(".kefu-message--bot").nth(before);
  await reply.waitFor();
  return reply;
}

test("shopper escalates → live in the console → agent replies → shopper sees it → saved as FAQ → a fresh widget answers", async () => {
  const scratch = await scratchServer("loop");
  const base = scratch.server.url;
  try {
    // The agent is signed in and watching the queue before the shopper asks.
    const agentContext = await browser.newContext({ ...DESKTOP, locale: "en-US" });
    const agent = await agentContext.newPage();
    const agentErrors = [];
    agent.on("pageerror", (e) => agentErrors.push(String(e)));
    await agent.goto(`${base}/console/`);
    await agent.getByLabel("Name").fill("demo");
    await agent.getByLabel("Password").fill("kefu-demo");
    await agent.getByRole("button", { name: "Sign in" }).click();
    await agent.getByRole("heading", { name: "Queue" }).waitFor();

    // The shopper's question is not in the FAQ: the widget says it is not sure.
    const shop = await shopper(base);
    const unsure = await ask(shop.page, QUESTION);
    assert.doesNotMatch(await unsure.textContent(), /数字人民币即可/);
    await shop.page.locator(".kefu-header .kefu-human").click();
    await shop.page.locator("#kefu-form-message").fill(QUESTION);
    await shop.page.locator(".kefu-form .kefu-primary").click();
    const caseId = (await shop.page.locator(".kefu-receipt .kefu-case-id").textContent()).trim();

    // The case arrives in the console without a reload.
    await agent.locator(`.case-row[data-case="${caseId}"]`).click();
    await agent.locator("#case-title", { hasText: `Case ${caseId}` }).waitFor();
    await agent.getByRole("textbox", { name: "Reply to the shopper" }).fill(ANSWER);
    await agent.getByRole("button", { name: "Send reply" }).click();
    await agent.getByText(`Reply sent to ${caseId}.`).waitFor();

    // The shopper's open widget shows the reply (case.js streams the case's events).
    const agentLine = shop.page.locator(".kefu-message--agent");
    await agentLine.waitFor({ timeout: 15_000 });
    assert.match(await agentLine.textContent(), /数字人民币即可/);

    // Save as FAQ: a new entry with the shopper's question and the agent's answer.
    await agent.locator(`[data-key="save-faq"]`).click();
    const dialog = agent.getByRole("dialog");
    await dialog.getByLabel("A new entry").check();
    assert.equal(await dialog.getByLabel("Question").inputValue(), QUESTION);
    assert.equal(await dialog.getByLabel("Answer").inputValue(), ANSWER);
    await dialog.getByRole("button", { name: "Publish" }).click();
    await agent.getByText("Published, FAQ version 2.").waitFor();
    await agent.screenshot({ path: join(SHOTS, "console-loop-published.png") });

    // A fresh widget loads version 2 and answers the question (in other words) from the FAQ.
    const fresh = await shopper(base);
    const answer = await ask(fresh.page, "能不能用数字人民币付款？");
    assert.match(await answer.textContent(), /数字人民币即可/);
    await fresh.page.screenshot({ path: join(SHOTS, "loop-fresh-widget-answers.png") });

    assert.deepEqual([...shop.errors, ...fresh.errors, ...agentErrors], []);
    await Promise.all([agentContext.close(), shop.context.close(), fresh.context.close()]);
  } finally {
    await scratch.server.stop();
  }
});
