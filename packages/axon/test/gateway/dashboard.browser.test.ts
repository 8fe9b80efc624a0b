// End to end in a real browser: the dashboard at `/` goes live, runs `echo` in the playground
// with the streamed text shown, and shows a worker's restart count rise after a SIGKILL.
// Set AXON_DASHBOARD_SCREENSHOT=path to run on all the demo agents and save a screenshot at
// the end (that is how docs/dashboard.png is made).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchChromium } from "./chromium.js";
import { ensureDashboardBuilt } from "./dashboard-build.js";
import { type DemoGateway, demoAgents, startDemoGateway } from "./demo-gateway.js";

const token = "browser-test-token";
const screenshot = process.env.AXON_DASHBOARD_SCREENSHOT;
let gateway: DemoGateway;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureDashboardBuilt();
  [gateway, browser] = await Promise.all([
    startDemoGateway({
      token,
      agents: screenshot ? demoAgents : { echo: demoAgents.echo, tools: demoAgents.tools },
    }),
    launchChromium(),
  ]);
  page = await browser.context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
}, 600_000); // the first run may install chromium with apt-get

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

const cell = (worker: string, field: string) =>
  page.locator(`tr[data-worker="${worker}"] td[data-field="${field}"]`);

it("shows every agent's workers live, taking the token from the URL's fragment", async () => {
  await page.goto(`${gateway.url}/#token=${token}`);
  await expect.poll(() => page.locator("#connection").textContent()).toBe("live");
  await expect.poll(() => cell("echo-1", "state").textContent()).toBe("ready");
  expect(await cell("echo-0", "pid").textContent()).toMatch(/^\d+$/);
  expect(page.url()).not.toContain(token);
});

it("runs echo in the playground and shows the streamed text and the usage", async () => {
  await page.selectOption("#playground-agent", "echo");
  await page.fill("#playground-prompt", "hello from the browser");
  await page.click("#playground-run");
  await expect
    .poll(() => page.locator("#playground-output .answer").textContent())
    .toBe("hello from the browser");
  await expect.poll(() => page.locator("#playground-usage").textContent()).toContain("1 request(s)");
});

it("shows tool calls and their results", async () => {
  await page.selectOption("#playground-agent", "tools");
  await page.fill("#playground-prompt", "add 2 and 3");
  await page.click("#playground-run");
  await expect.poll(() => page.locator("#playground-output .tool.call").textContent()).toContain("add");
  await expect.poll(() => page.locator("#playground-output .tool.result").textContent()).toContain("5");
  await expect.poll(() => page.locator("#logs").textContent()).toContain("adding 2 and 3");
});

it("shows a worker's restart count rise after the worker is killed", async () => {
  const pid = Number(await cell("echo-0", "pid").textContent());
  expect(await cell("echo-0", "restarts").textContent()).toBe("0");
  process.kill(pid, "SIGKILL");
  await expect.poll(() => cell("echo-0", "restarts").textContent(), { timeout: 30_000 }).toBe("1");
  await expect.poll(() => cell("echo-0", "state").textContent(), { timeout: 30_000 }).toBe("ready");
  expect(Number(await cell("echo-0", "pid").textContent())).not.toBe(pid);
  await expect.poll(() => page.locator("#logs").textContent()).toContain("exited (SIGKILL)");
});

it("raised no error in the page", async () => {
  if (screenshot) {
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  expect(pageErrors).toEqual([]);
});
