// Background runs and resumable streams over real HTTP (a listening gateway), with a real
// worker, on both stores: a run that outlives its client, cancel, a signed webhook checked by a
// real receiver, and a stream resumed with Last-Event-ID losing and repeating nothing.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServingGateway, serveGateway } from "../../src/gateway/index.js";
import type { Axon } from "../../src/index.js";
import { verifyWebhook } from "../../src/runs/run-webhook.js";
import { eventually } from "../gateway/serve-process.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { openTestStore, storeKinds, type TestStore } from "../threads/thread-stores.js";
import { parseSse, readSome } from "./sse-client.js";

const agents = { chaos: { module: "examples.agents.chaos:agent" } };
const SECRET = "a-webhook-secret-of-some-length";
const TOKEN = "secret-token";

interface Received {
  body: string;
  signature: string | undefined;
}

describe.each(storeKinds)("background runs on the %s store", (kind) => {
  let store: TestStore;
  let axon: Axon;
  let gateway: ServingGateway;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let failFirst = 0;

  beforeAll(async () => {
    store = await openTestStore(kind);
    axon = await startAxon(agents, {
      storage: store.storage,
      runs: { webhookSecret: SECRET, webhookBackoffMs: 50, heartbeatMs: 200 },
    });
    gateway = await serveGateway({ axon, token: TOKEN, port: 0 });
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const header = req.headers["axon-signature"];
        received.push({ body, signature: Array.isArray(header) ? header[0] : header });
        res.statusCode = failFirst-- > 0 ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const address = receiver.address() as { port: number };
    receiverUrl = `http://127.0.0.1:${address.port}/hook`;
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await gateway?.close();
    await axon?.close({ graceMs: 2000 });
    await store?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field in the assertions.
  const json = async (response: Response) => (await response.json()) as Record<string, any>;
  const runOf = async (id: string) => json(await send("GET", `/v1/runs/${id}`));
  const ended = async (id: string) => {
    await eventually(async () => !["queued", "running"].includes((await runOf(id)).status), 20_000);
    return runOf(id);
  };

  it("starts a background run on a thread, answers 202 at once, and keeps it after the client has gone", async () => {
    const thread = await json(await send("POST", "/v1/threads", { agent: "chaos" }));
    const started = await send("POST", `/v1/threads/${thread.id}/runs`, {
      prompt: "sleep 1",
      background: true,
    });
    expect(started.status).toBe(202);
    const run = await json(started);
    expect(started.headers.get("location")).toBe(`/v1/runs/${run.id}`);
    expect(run).toMatchObject({ threadId: thread.id, agent: "chaos", background: true });
    expect(["queued", "running"]).toContain(run.status);
    const done = await ended(run.id);
    expect(done).toMatchObject({ status: "succeeded", error: null, result: { output: "slept 1" } });
    expect((await json(await send("GET", `/v1/threads/${thread.id}`))).messageCount).toBeGreaterThanOrEqual(
      2,
    );
  });

  it("starts a background run on no thread with POST /v1/agents/:name/runs", async () => {
    const started = await send("POST", "/v1/agents/chaos/runs", { prompt: "hello" });
    expect(started.status).toBe(202);
    const run = await json(started);
    expect(run.threadId).toBeNull();
    expect(await ended(run.id)).toMatchObject({ status: "succeeded", result: { output: "ok" } });
  });

  it("cancels a background run, and answers 409 run_ended to a second cancel and 404 to an unknown run", async () => {
    const run = await json(await send("POST", "/v1/agents/chaos/runs", { prompt: "sleep 30" }));
    await eventually(async () => (await runOf(run.id)).status === "running");
    const cancelled = await send("POST", `/v1/runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(await ended(run.id)).toMatchObject({ status: "cancelled", error: { code: "cancelled" } });
    const again = await send("POST", `/v1/runs/${run.id}/cancel`);
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe("run_ended");
    expect((await send("GET", "/v1/runs/no-such-run")).status).toBe(404);
    expect((await send("POST", "/v1/runs/no-such-run/cancel")).status).toBe(404);
  });

  it("POSTs a signed webhook when the run ends, tried again after a failed delivery", async () => {
    received.length = 0;
    failFirst = 1;
    const run = await json(
      await send("POST", "/v1/agents/chaos/runs", { prompt: "hello", webhook: receiverUrl }),
    );
    await eventually(async () => received.length >= 2, 20_000);
    const [first, second] = received as [Received, Received];
    expect(first.body).toBe(second.body);
    expect(verifyWebhook(SECRET, second.body, second.signature)).toBe(true);
    expect(verifyWebhook("another-secret-entirely", second.body, second.signature)).toBe(false);
    expect(verifyWebhook(SECRET, second.body.replace("succeeded", "failed"), second.signature)).toBe(false);
    const old = Math.floor(Date.now() / 1000) + 3600;
    expect(verifyWebhook(SECRET, second.body, second.signature, { now: old })).toBe(false);
    expect(JSON.parse(second.body)).toMatchObject({
      type: "run.ended",
      run: { id: run.id, status: "succeeded", result: { output: "ok" } },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(2); // a 2xx ends the retries
  });

  it("refuses a webhook that is not an http(s) URL", async () => {
    const refused = await send("POST", "/v1/agents/chaos/runs", {
      prompt: "x",
      webhook: "file:///etc/passwd",
    });
    expect(refused.status).toBe(400);
  });

  it("resumes a stream with Last-Event-ID: the events missed, then the live tail, none lost or repeated", async () => {
    const first = await send("POST", "/v1/agents/chaos/runs", { prompt: "sleep 1", stream: true });
    expect(first.status).toBe(200);
    const runId = first.headers.get("x-axon-run-id") as string;
    const head = await readSome(first, 2);
    expect(head.map((e) => e.id)).toEqual([1, 2]);
    expect(head[0]).toMatchObject({ event: "start", data: { runId } });
    const rest = parseSse(
      await (await send("GET", `/v1/runs/${runId}/stream`, undefined, { "last-event-id": "2" })).text(),
    );
    const ids = [...head, ...rest].map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(rest.at(-1)).toMatchObject({ event: "result", data: { result: { output: "slept 1" } } });
    // The whole log, again, from the start.
    const all = parseSse(await (await send("GET", `/v1/runs/${runId}/stream`)).text());
    expect(all.map((e) => e.id)).toEqual(ids);
    expect((await runOf(runId)).status).toBe("succeeded");
  });

  it("numbers the events of a streamed thread run, so that a watcher can replay them", async () => {
    const thread = await json(await send("POST", "/v1/threads", { agent: "chaos" }));
    const live = parseSse(
      await (await send("POST", `/v1/threads/${thread.id}/runs`, { prompt: "turns", stream: true })).text(),
    );
    const runId = live[0]?.data.runId as string;
    expect(live.map((e) => e.id)).toEqual(live.map((_, i) => i + 1));
    const replay = parseSse(await (await send("GET", `/v1/runs/${runId}/stream?lastEventId=1`)).text());
    expect(replay.map((e) => e.data)).toEqual(live.slice(1).map((e) => e.data));
  });

  it("answers 400 to a Last-Event-ID that is not a number", async () => {
    const run = await json(await send("POST", "/v1/agents/chaos/runs", { prompt: "hello" }));
    const bad = await send("GET", `/v1/runs/${run.id}/stream`, undefined, { "last-event-id": "x'; drop" });
    expect(bad.status).toBe(400);
  });
});
