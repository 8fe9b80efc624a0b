// Everything around the runs: health, agents, restart, auth, the live feed, OpenAPI, metrics,
// the dashboard's files and JSON 404s, on real workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServingGateway, serveGateway } from "../../src/gateway/index.js";
import { isAxonError } from "../../src/index.js";
import { pidOf, waitFor } from "../helpers/start-axon.js";
import { ensureDashboardBuilt } from "./dashboard-build.js";
import {
  BOOT_TIMEOUT_MS,
  type DemoGateway,
  type JsonResponse,
  nextRecord,
  sseRecords,
  startDemoGateway,
} from "./demo-gateway.js";

let gateway: DemoGateway;
let guarded: ServingGateway;
const token = "s3cret-token";

beforeAll(async () => {
  ensureDashboardBuilt();
  gateway = await startDemoGateway({
    agents: {
      echo: { module: "examples.agents.echo:agent" },
      tools: { module: "examples.agents.tools:agent" },
    },
  });
  // A second gateway over the same Axon, with a token.
  guarded = await serveGateway({ axon: gateway.axon, port: 0, token });
}, BOOT_TIMEOUT_MS);
afterAll(async () => {
  await guarded?.close();
  await gateway?.close();
});

describe("GET /healthz", () => {
  it("is 200 with each agent's state when every agent is ready", async () => {
    const response = await gateway.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, agents: { echo: "ready", tools: "ready" } });
  });

  it("is 503 while an agent's only worker restarts, then 200 again", async () => {
    process.kill(pidOf(gateway.axon, "tools") as number, "SIGKILL");
    let unhealthy: unknown;
    await waitFor(() => gateway.axon.status().some((w) => w.agent === "tools" && w.state !== "ready"));
    const response = await gateway.request("/healthz");
    if (response.status === 503) unhealthy = await response.json();
    expect(unhealthy).toMatchObject({ ok: false, agents: { tools: expect.not.stringMatching(/^ready$/) } });
    await waitFor(() => gateway.axon.status().every((w) => w.state === "ready"), 30_000);
    expect((await gateway.request("/healthz")).status).toBe(200);
  });
});

describe("GET /v1/agents", () => {
  it("lists each agent's description, schemas, tools and live workers", async () => {
    const { agents } = await (await gateway.request("/v1/agents")).json();
    const tools = agents.find((a: { name: string }) => a.name === "tools");
    expect(tools).toMatchObject({ outputKind: "text", state: "ready", tools: [{ name: "add" }] });
    const echo = agents.find((a: { name: string }) => a.name === "echo");
    expect(echo.workers).toHaveLength(1);
    expect(echo.workers[0]).toMatchObject({
      state: "ready",
      pid: expect.any(Number),
      inFlight: 0,
      queued: 0,
    });
  });

  it("describes one agent by name, and answers 404 for an unknown one", async () => {
    expect(await (await gateway.request("/v1/agents/echo")).json()).toMatchObject({
      name: "echo",
      instances: 1,
    });
    const missing = await gateway.request("/v1/agents/nobody");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("agent_not_found");
  });
});

describe("POST /v1/agents/:name/restart", () => {
  it("restarts the agent's workers, and the live feed reports it", async () => {
    const client = new AbortController();
    const records = sseRecords(await gateway.request("/v1/events", { signal: client.signal }));
    const before = pidOf(gateway.axon, "echo");
    const response = await gateway.request("/v1/agents/echo/restart", { method: "POST" });
    expect(await response.json()).toEqual({ restarted: "echo" });
    const exited = await nextRecord(records, "worker");
    expect(exited).toMatchObject({ type: "worker-exited", agent: "echo", instance: 0, pid: before });
    client.abort();
    await waitFor(() => gateway.axon.status().every((w) => w.state === "ready"), 30_000);
    expect(pidOf(gateway.axon, "echo")).not.toBe(before);
  });

  it("answers 404 for an unknown agent", async () => {
    expect((await gateway.request("/v1/agents/nobody/restart", { method: "POST" })).status).toBe(404);
  });
});

describe("bearer-token auth", () => {
  const call = (path: string, headers: Record<string, string> = {}): Promise<JsonResponse> =>
    fetch(guarded.url + path, { headers });

  it.each(["/v1/agents", "/metrics", "/openapi.json", "/v1/events"])(
    "refuses %s without a token (401, JSON)",
    async (path) => {
      const response = await call(path);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      expect((await response.json()).error.code).toBe("unauthorized");
    },
  );

  it("refuses a wrong token and a token of another length alike", async () => {
    expect((await call("/v1/agents", { authorization: "Bearer s3cret-tokem" })).status).toBe(401);
    expect((await call("/v1/agents", { authorization: "Bearer s" })).status).toBe(401);
    expect((await call("/v1/agents", { authorization: `Basic ${token}` })).status).toBe(401);
  });

  it("refuses a POST without a token before reading its body", async () => {
    const response = await fetch(`${guarded.url}/v1/agents/echo/run`, {
      method: "POST",
      body: '{"prompt":"x"}',
    });
    expect(response.status).toBe(401);
  });

  it("accepts the right token", async () => {
    expect((await call("/v1/agents", { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it("serves /healthz and the dashboard's files without a token", async () => {
    expect((await call("/healthz")).status).toBe(200);
    const page = await call("/");
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect((await call(script as string)).status).toBe(200);
  });
});

describe("GET /v1/events", () => {
  it("sends the status first, then Python log records as they happen", async () => {
    const client = new AbortController();
    const records = sseRecords(await gateway.request("/v1/events", { signal: client.signal }));
    const status = await nextRecord(records, "status");
    expect((status.agents as { name: string }[]).map((a) => a.name)).toEqual(["echo", "tools"]);

    await gateway.request("/v1/agents/tools/run", { json: { prompt: "add 20 and 22" } });
    let log = await nextRecord(records, "log");
    while (!String(log.message).includes("adding 20 and 22")) log = await nextRecord(records, "log");
    expect(log).toMatchObject({ agent: "tools", level: "INFO", pid: pidOf(gateway.axon, "tools") });
    client.abort();
  });
});

describe("GET /openapi.json", () => {
  it("documents every endpoint, with request schemas from the zod validators", async () => {
    const document = await (await gateway.request("/openapi.json")).json();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/healthz",
        "/v1/agents",
        "/v1/agents/{name}/run",
        "/v1/agents/{name}/stream",
        "/v1/agents/{name}/chat",
        "/v1/agents/{name}/restart",
        "/v1/runs/{runId}/cancel",
        "/v1/events",
        "/metrics",
      ]),
    );
    const ref =
      document.paths["/v1/agents/{name}/run"].post.requestBody.content["application/json"].schema.$ref;
    expect(ref).toBe("#/components/schemas/RunRequest");
    const run = document.components.schemas.RunRequest;
    expect(run.required).toEqual(["prompt"]);
    expect(run.additionalProperties).toBe(false);
    expect(Object.keys(run.properties)).toEqual(
      expect.arrayContaining(["messageHistory", "usageLimits", "timeoutMs", "retry"]),
    );
  });
});

describe("GET /metrics", () => {
  it("exposes runs by agent and outcome, latency, in-flight, queue depth and restarts", async () => {
    await gateway.request("/v1/agents/echo/run", { json: { prompt: "count me" } });
    await gateway.request("/v1/agents/echo/run", { json: { prompt: "x", usageLimits: { requestLimit: 0 } } });
    const response = await gateway.request("/metrics");
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await response.text();
    expect(text).toMatch(/^axon_runs_total\{agent="echo",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^axon_runs_total\{agent="echo",outcome="usage_limit_exceeded"\} 1$/m);
    expect(text).toMatch(/^axon_run_duration_seconds_bucket\{agent="echo",le="\+Inf"\} [1-9]/m);
    expect(text).toMatch(/^axon_worker_in_flight\{agent="echo",instance="0",kind="local"\} 0$/m);
    expect(text).toMatch(/^axon_worker_queued\{agent="tools",instance="0",kind="local"\} 0$/m);
    expect(text).toMatch(/^axon_worker_restarts_total\{agent="tools",instance="0",kind="local"\} [1-9]/m);
  });
});

describe("errors", () => {
  it("answers an unknown route with a JSON 404, never an HTML page", async () => {
    const response = await gateway.request("/v1/nothing-here");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect((await response.json()).error.code).toBe("not_found");
  });
});

describe("serveGateway's bind rule", () => {
  it("refuses a non-loopback host without a token", async () => {
    const error = await serveGateway({ axon: gateway.axon, host: "0.0.0.0", port: 0 }).catch((e) => e);
    expect(isAxonError(error) && error.code).toBe("config_error");
    expect(String(error.message)).toContain("--token");
  });

  it("serves a non-loopback host with a token, or with insecure", async () => {
    for (const options of [{ token }, { insecure: true }]) {
      const served = await serveGateway({ axon: gateway.axon, host: "0.0.0.0", port: 0, ...options });
      const port = new URL(served.url).port;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      await served.close();
    }
  });
});
