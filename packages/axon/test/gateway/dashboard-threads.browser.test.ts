// The dashboard's threads in a real browser, on the embedded store: a thread created in the
// dashboard pauses on `refund 42` (a host tool that needs approval), the pending call shows with
// Approve / Deny, and Approve continues the run on the server (the refund runs once, with the
// issued arguments); a background run shows its status and result.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ServingGateway, serveGateway } from "../../src/gateway/index.js";
import type { Axon } from "../../src/index.js";
import { recordingRefund } from "../helpers/refund-tool.js";
import { startAxon } from "../helpers/start-axon.js";
import { launchChromium } from "./chromium.js";
import { ensureDashboardBuilt } from "./dashboard-build.js";

const token = "browser-threads-token";
const { refund, refunded } = recordingRefund();
const dir = mkdtempSync(join(tmpdir(), "axon-dashboard-threads-"));
let axon: Axon;
let served: ServingGateway;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureDashboardBuilt();
  [axon, browser] = await Promise.all([
    startAxon(
      {
        orders: { module: "examples.agents.orders:agent", tools: { refund } },
        chaos: { module: "examples.agents.chaos:agent" },
      },
      { storage: { dir }, startTimeoutMs: 90_000 },
    ),
    launchChromium(),
  ]);
  served = await serveGateway({ axon, port: 0, token, statusIntervalMs: 200 });
  page = await browser.context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
}, 600_000); // the first run may install chromium with apt-get

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await axon?.close({ timeoutMs: 2000 });
  rmSync(dir, { recursive: true, force: true });
});

it("approves a refund in the dashboard: the paused thread run continues and the refund runs once", async () => {
  await page.goto(`${served.url}/#token=${token}`);
  await expect.poll(() => page.locator("#connection").textContent()).toBe("live");
  await expect.poll(() => page.locator("#thread-agent option").count()).toBe(2);
  await page.selectOption("#thread-agent", "orders");
  await page.click("#thread-create");
  await expect.poll(() => page.locator("#thread-send").isDisabled()).toBe(false);
  await page.fill("#thread-prompt", "refund 42");
  await page.click("#thread-send");
  const pending = page.locator("#thread-approvals .pending");
  await expect.poll(() => pending.textContent()).toContain('refund({"id":"42"})');
  expect(refunded).toEqual([]);
  await pending.locator("button.approve").click();
  await expect.poll(() => page.locator("#thread-live .answer").textContent()).toContain("99.5");
  await expect.poll(() => pending.count()).toBe(0);
  expect(refunded).toEqual(["42"]);
  await expect.poll(() => page.locator("#thread-messages").textContent()).toContain("99.5");
  await expect.poll(() => page.locator("#thread-list li").count()).toBe(1);
});

it("denies a refund: the run continues without it", async () => {
  await page.fill("#thread-prompt", "refund 43");
  await page.click("#thread-send");
  const pending = page.locator("#thread-approvals .pending");
  await expect.poll(() => pending.textContent()).toContain('"43"');
  await pending.locator("button.deny").click();
  await expect
    .poll(() => page.locator("#thread-live .answer").textContent())
    .toContain("denied in the dashboard");
  expect(refunded).toEqual(["42"]);
});

it("shows a background run on a thread with its status and result, and cancels one", async () => {
  await page.selectOption("#thread-agent", "chaos");
  await page.click("#thread-create");
  await expect.poll(() => page.locator("#thread-list li").count()).toBe(2);
  await page.check("#thread-background");
  await page.fill("#thread-prompt", "turns");
  await page.click("#thread-send");
  const first = page.locator("#runs tr").first();
  await expect.poll(() => first.locator('[data-field="status"]').textContent()).toBe("succeeded");
  expect(await first.locator('[data-field="result"]').textContent()).toBe('"1"');
  await page.fill("#thread-prompt", "sleep 30");
  await page.click("#thread-send");
  const second = page.locator("#runs tr").first();
  await expect.poll(() => second.locator('[data-field="status"]').textContent()).toBe("running");
  await second.locator("button.cancel").click();
  await expect
    .poll(() => second.locator('[data-field="status"]').textContent(), { timeout: 15_000 })
    .toBe("cancelled");
});

it("says in the playground that a one-off run paused for approval, and where to approve it", async () => {
  await page.selectOption("#playground-agent", "orders");
  await page.fill("#playground-prompt", "refund 7");
  await page.click("#playground-run");
  await expect
    .poll(() => page.locator("#playground-output .paused").textContent())
    .toContain('Paused for approval: refund({"id":"7"})');
  expect(refunded).not.toContain("7");
});

it("raised no error in the page", () => {
  expect(pageErrors).toEqual([]);
});
