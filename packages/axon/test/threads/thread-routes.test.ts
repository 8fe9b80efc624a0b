// The thread routes over HTTP (app.fetch, through the gateway's middleware), on both stores,
// with a real worker; hostile input on every new route gets a documented JSON error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../../src/gateway/index.js";
import { openApiDocument } from "../../src/gateway/openapi.js";
import type { Axon } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { openTestStore, storeKinds, type TestStore } from "./thread-stores.js";

const agents = { chaos: { module: "examples.agents.chaos:agent" } };

describe.each(storeKinds)("the thread routes on the %s store", (kind) => {
  let store: TestStore;
  let axon: Axon;
  let gateway: Gateway;
  beforeAll(async () => {
    store = await openTestStore(kind);
    axon = await startAxon(agents, { storage: store.storage });
    gateway = createGateway({ axon, token: "secret-token" });
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    gateway?.close();
    await axon?.close({ graceMs: 2000 });
    await store?.close();
  });

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    gateway.app.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { authorization: "Bearer secret-token", "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field in the assertions.
  const json = async (response: Response) => (await response.json()) as Record<string, any>;
  const newThread = async () =>
    json(await send("POST", "/v1/threads", { agent: "chaos", metadata: { a: 1 } }));

  it("creates a thread, runs and continues on it, and reads it back with a UI view", async () => {
    const created = await send("POST", "/v1/threads", { agent: "chaos", metadata: { a: 1 } });
    expect(created.status).toBe(201);
    const thread = await json(created);
    expect(thread).toMatchObject({ agent: "chaos", metadata: { a: 1 }, messageCount: 0 });
    const first = await send("POST", `/v1/threads/${thread.id}/runs`, { prompt: "turns" });
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({ threadId: thread.id, output: "1" });
    expect(
      (await json(await send("POST", `/v1/threads/${thread.id}/runs`, { prompt: "turns" }))).output,
    ).toBe("2");
    const read = await json(await send("GET", `/v1/threads/${thread.id}`));
    expect(read.messages).toHaveLength(4);
    expect(read.uiMessages.map((m: { role: string }) => m.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
  });

  it("streams a run on a thread as SSE, with the thread id on start and the result last", async () => {
    const thread = await newThread();
    const response = await send("POST", `/v1/threads/${thread.id}/runs`, { prompt: "turns", stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    const events = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map(
        (line) =>
          JSON.parse(line.slice(6)) as { type: string; threadId?: string; result?: { output: string } },
      );
    expect(events[0]).toMatchObject({ type: "start", threadId: thread.id });
    expect(events.at(-1)).toMatchObject({ type: "result", result: { output: "1", threadId: thread.id } });
    expect((await json(await send("GET", `/v1/threads/${thread.id}`))).messageCount).toBe(2);
  });

  it("answers 409 thread_busy to a second message while a run is in progress, and enqueues on request", async () => {
    const thread = await newThread();
    const running = send("POST", `/v1/threads/${thread.id}/runs`, { prompt: "sleep 0.5" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = await send("POST", `/v1/threads/${thread.id}/runs`, { prompt: "turns" });
    expect(busy.status).toBe(409);
    expect((await json(busy)).error).toMatchObject({ code: "thread_busy", threadId: thread.id });
    const queued = send("POST", `/v1/threads/${thread.id}/runs`, { prompt: "turns", onBusy: "enqueue" });
    expect((await running).status).toBe(200);
    expect((await json(await queued)).output).toBe("2");
  });

  it("lists page by page and deletes, then answers 404 thread_not_found", async () => {
    const thread = await newThread();
    const page = await json(await send("GET", "/v1/threads?limit=1"));
    expect(page.threads).toHaveLength(1);
    expect(typeof page.nextCursor).toBe("string");
    const next = await send("GET", `/v1/threads?limit=1&cursor=${page.nextCursor}`);
    expect(next.status).toBe(200);
    expect((await send("DELETE", `/v1/threads/${thread.id}`)).status).toBe(200);
    for (const [method, path] of [
      ["DELETE", `/v1/threads/${thread.id}`],
      ["GET", `/v1/threads/${thread.id}`],
    ] as const) {
      const response = await send(method, path);
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe("thread_not_found");
    }
    const run = await send("POST", `/v1/threads/${thread.id}/runs`, { prompt: "turns", stream: true });
    expect(run.status).toBe(404);
  });

  it("answers hostile input on every thread route with a documented JSON error", async () => {
    const thread = await newThread();
    const cases: [string, string, unknown, number, string][] = [
      ["POST", "/v1/threads", "{not json", 400, "invalid_request"],
      ["POST", "/v1/threads", { metadata: "x" }, 400, "invalid_request"],
      ["POST", "/v1/threads", { agent: "nope" }, 404, "agent_not_found"],
      ["POST", "/v1/threads", { agent: "../x" }, 400, "invalid_request"],
      ["POST", "/v1/threads", { id: "a/b" }, 400, "invalid_request"],
      ["POST", "/v1/threads", { extra: 1 }, 400, "invalid_request"],
      ["POST", "/v1/threads", { id: thread.id }, 409, "thread_exists"],
      ["POST", "/v1/threads", "x".repeat(2 * 1024 * 1024), 413, "payload_too_large"],
      ["GET", "/v1/threads?limit=0", undefined, 400, "invalid_request"],
      ["GET", "/v1/threads?limit=1e9", undefined, 400, "invalid_request"],
      ["GET", "/v1/threads?cursor=%00%27", undefined, 400, "invalid_request"],
      ["GET", "/v1/threads?evil=1", undefined, 400, "invalid_request"],
      [
        "GET",
        `/v1/threads/${encodeURIComponent("x'; drop table threads; --")}`,
        undefined,
        404,
        "thread_not_found",
      ],
      ["GET", `/v1/threads/${"a".repeat(5000)}`, undefined, 404, "thread_not_found"],
      ["GET", "/v1/threads/%00", undefined, 404, "thread_not_found"],
      ["DELETE", "/v1/threads/%F0%9F%92%A9", undefined, 404, "thread_not_found"],
      ["POST", `/v1/threads/${thread.id}/runs`, {}, 400, "invalid_request"],
      ["POST", `/v1/threads/${thread.id}/runs`, { prompt: "" }, 400, "invalid_request"],
      ["POST", `/v1/threads/${thread.id}/runs`, { prompt: 1 }, 400, "invalid_request"],
      ["POST", `/v1/threads/${thread.id}/runs`, { prompt: "x", messageHistory: [] }, 400, "invalid_request"],
      ["POST", `/v1/threads/${thread.id}/runs`, { prompt: "x", onBusy: "rollback" }, 400, "invalid_request"],
      ["POST", `/v1/threads/${thread.id}/runs`, { prompt: "x", agent: "nope" }, 404, "agent_not_found"],
      ["POST", `/v1/threads/${thread.id}/runs`, { prompt: "x", stream: "yes" }, 400, "invalid_request"],
      ["POST", "/v1/threads/missing/runs", { prompt: "x" }, 404, "thread_not_found"],
      ["PUT", `/v1/threads/${thread.id}`, {}, 404, "not_found"],
    ];
    for (const [method, path, body, status, code] of cases) {
      const response = await send(method, path, body);
      expect([method, path.slice(0, 60), response.status]).toEqual([method, path.slice(0, 60), status]);
      expect((await json(response)).error.code).toBe(code);
    }
    // NUL and lone surrogates in metadata are kept, not a 500.
    const odd = await send("POST", "/v1/threads", '{"metadata":{"k":"a\\u0000\\ud800"}}');
    expect(odd.status).toBe(201);
    expect((await json(odd)).metadata).toEqual({ k: "a\u0000\ud800" });
    // Untouched by all of it.
    expect((await json(await send("GET", `/v1/threads/${thread.id}`))).messageCount).toBe(0);
  });

  it("keeps every thread route behind the token and the cross-site guard", async () => {
    const anonymous = await gateway.app.fetch(new Request("http://localhost/v1/threads"));
    expect(anonymous.status).toBe(401);
    const crossSite = await send(
      "POST",
      "/v1/threads",
      {},
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    );
    expect(crossSite.status).toBe(403);
  });
});

describe("the OpenAPI document", () => {
  it("covers every thread route", () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths["/v1/threads"] ?? {})).toEqual(["post", "get"]);
    expect(Object.keys(paths["/v1/threads/{threadId}"] ?? {})).toEqual(["get", "delete"]);
    expect(Object.keys(paths["/v1/threads/{threadId}/runs"] ?? {})).toEqual(["post"]);
  });
});
