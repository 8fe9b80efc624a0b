// Any web page the user opens can send "simple" requests to a tokenless gateway on loopback.
// From a real Chromium page on another origin: a text/plain fetch and a form post to /run reach
// no agent; the same page is served when its origin is allowed with --cors.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveGateway } from "../../src/gateway/index.js";
import type { Axon } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { launchChromium } from "./chromium.js";

let axon: Axon;
let runs = 0;
let open: Awaited<ReturnType<typeof serveGateway>>;
let allowing: Awaited<ReturnType<typeof serveGateway>>;
let evil: Server;
let evilOrigin = "";
let browser: Awaited<ReturnType<typeof launchChromium>>;

/** The attacker's page: a no-cors text/plain fetch and an auto-submitted form, both to /run. */
const attackPage = (gateway: string) => `<!doctype html><html><body>
<form id="f" method="POST" action="${gateway}/v1/agents/echo/run" enctype="text/plain" target="sink">
  <input name='{"prompt":"form","x":"' value='"}'>
</form><iframe name="sink"></iframe>
<script>
  fetch("${gateway}/v1/agents/echo/run", { method: "POST", mode: "no-cors",
    headers: { "content-type": "text/plain" }, body: JSON.stringify({ prompt: "fetch" }) })
    .catch(() => {}).finally(() => { document.getElementById("f").submit(); document.title = "sent"; });
</script></body></html>`;

beforeAll(async () => {
  axon = await startAxon({ echo: { module: "examples.agents.echo:agent" } });
  const counting = {
    ...axon,
    run: (...args: Parameters<Axon["run"]>) => {
      runs += 1;
      return axon.run(...args);
    },
  } as Axon;
  evil = createServer((request, response) => {
    const target = new URL(request.url ?? "/", "http://x").searchParams.get("target") ?? "";
    response.setHeader("content-type", "text/html");
    response.end(attackPage(target));
  });
  // localhost vs 127.0.0.1: another site, as an attacker's page on the internet is.
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilOrigin = `http://localhost:${(evil.address() as AddressInfo).port}`;
  [open, allowing, browser] = await Promise.all([
    serveGateway({ axon: counting, port: 0 }),
    serveGateway({ axon: counting, port: 0, corsOrigins: [] }),
    launchChromium(),
  ]);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await open?.close();
  await allowing?.close();
  evil?.close();
  await axon?.close();
});

async function attack(gatewayUrl: string) {
  const page = await browser.context.newPage();
  const sinkLoaded = page.waitForEvent("framenavigated", { predicate: (frame) => frame.name() === "sink" });
  await page.goto(`${evilOrigin}/?target=${encodeURIComponent(gatewayUrl)}`);
  await page.waitForFunction('document.title === "sent"');
  await sinkLoaded;
  await page.close();
}

describe("a page on another site", () => {
  it(
    "cannot run an agent on a tokenless loopback gateway, by fetch or by form",
    async () => {
      runs = 0;
      await attack(open.url);
      expect(runs).toBe(0);
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("the cross-site guard, by header", () => {
  const post = (headers: Record<string, string>, body = '{"prompt":"hi"}') =>
    fetch(`${open.url}/v1/agents/echo/run`, { method: "POST", headers, body });

  it("refuses a foreign Origin with 403 forbidden_origin", async () => {
    const response = await post({ "content-type": "application/json", origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden_origin");
  });

  it("refuses a cross-site Sec-Fetch-Site without an Origin", async () => {
    expect((await post({ "content-type": "application/json", "sec-fetch-site": "cross-site" })).status).toBe(
      403,
    );
  });

  it("refuses a body that is not sent as JSON with 415", async () => {
    const response = await post({ "content-type": "text/plain" });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "unsupported_media_type",
    );
  });

  it("takes its own origin and clients that are no browser (no Origin at all)", async () => {
    expect((await post({ "content-type": "application/json", origin: open.url })).status).toBe(200);
    expect((await post({ "content-type": "application/json; charset=utf-8" })).status).toBe(200);
  });

  it("takes an origin allowed with --cors", async () => {
    const allowed = await serveGateway({ axon, port: 0, corsOrigins: ["https://app.example"] });
    try {
      const response = await fetch(`${allowed.url}/v1/agents/echo/run`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://app.example" },
        body: '{"prompt":"hi"}',
      });
      expect(response.status).toBe(200);
    } finally {
      await allowed.close();
    }
  });
});
