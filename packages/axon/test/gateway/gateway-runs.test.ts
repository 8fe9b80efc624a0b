// POST /v1/agents/:name/run, /stream and /v1/runs/:runId/cancel against real workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/start-axon.js";
import {
  BOOT_TIMEOUT_MS,
  type DemoGateway,
  demoAgents,
  nextRecord,
  readEvents,
  sseRecords,
  startDemoGateway,
} from "./demo-gateway.js";

let gateway: DemoGateway;
const inFlight = (agent: string) =>
  gateway.axon
    .status()
    .filter((w) => w.agent === agent)
    .reduce((sum, w) => sum + w.inFlight, 0);

beforeAll(async () => {
  // `chaos` takes one run at a time and queues none, to see 429; its tests wait for it to be idle.
  const chaos = { ...demoAgents.chaos, maxConcurrency: 1, maxQueue: 0 };
  gateway = await startDemoGateway({
    agents: { ...demoAgents, echo: { ...demoAgents.echo, instances: 1 }, chaos },
  });
}, BOOT_TIMEOUT_MS);
afterAll(() => gateway?.close());

describe("POST /v1/agents/:name/run", () => {
  it("answers the run's output, usage, messages and run id", async () => {
    const response = await gateway.request("/v1/agents/echo/run", { json: { prompt: "hello world" } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ output: "hello world", model: "echo", usage: { requests: 1 } });
    expect(body.runId).toEqual(expect.any(String));
    expect(body.allMessages).toHaveLength(2);
    expect(body.newMessages[0].parts[0]).toMatchObject({ part_kind: "user-prompt", content: "hello world" });
  });

  it("answers a structured agent's output as JSON", async () => {
    const response = await gateway.request("/v1/agents/structured/run", { json: { prompt: "Paris" } });
    expect(await response.json()).toMatchObject({
      output: { city: "Paris", country: "France", population: 2102650 },
    });
  });

  it("continues a conversation from the messageHistory of an earlier run", async () => {
    const first = await (await gateway.request("/v1/agents/chaos/run", { json: { prompt: "hi" } })).json();
    const second = await gateway.request("/v1/agents/chaos/run", {
      json: { prompt: "turns", messageHistory: first.allMessages, runId: "my-run.1" },
    });
    expect(await second.json()).toMatchObject({ output: "2", runId: "my-run.1" });
  });

  it("refuses a body that is not JSON with a 400", async () => {
    const response = await gateway.request("/v1/agents/echo/run", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: "invalid_request", field: "body" });
  });

  it.each([
    [{}, "prompt"],
    [{ prompt: 42 }, "prompt"],
    [{ prompt: "x", usageLimits: { requestLimit: -1 } }, "usageLimits.requestLimit"],
    [{ prompt: "x", promt: "typo" }, "promt"],
    [{ prompt: "x", messageHistory: ["not a message"] }, "messageHistory[0]"],
    [{ prompt: "x", runId: "has spaces" }, "runId"],
  ])("refuses %j with a 400 naming %s", async (json, field) => {
    const response = await gateway.request("/v1/agents/echo/run", { json });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: "invalid_request", retryable: false, field });
    expect(error.message).toContain(field);
  });

  it("passes the worker's own validation errors on as a 400 (a malformed history)", async () => {
    const messageHistory = [{ kind: "request", parts: [{ part_kind: "no-such-part" }] }];
    const response = await gateway.request("/v1/agents/echo/run", { json: { prompt: "x", messageHistory } });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_request");
  });

  it("refuses a body over the size limit with a 413", async () => {
    const response = await gateway.request("/v1/agents/echo/run", {
      json: { prompt: "x".repeat(1024 * 1024 + 1) },
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large");
  });

  it("answers 404 for an unknown agent, listing the known ones", async () => {
    const response = await gateway.request("/v1/agents/nobody/run", { json: { prompt: "x" } });
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: "agent_not_found", agent: "nobody" });
    expect(error.knownAgents).toContain("echo");
  });

  it("answers 422 when a usage limit is exceeded", async () => {
    const json = { prompt: "usage", usageLimits: { requestLimit: 3 } };
    const response = await gateway.request("/v1/agents/chaos/run", { json });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("usage_limit_exceeded");
  });

  it("answers 504 when the run's deadline passes", async () => {
    const response = await gateway.request("/v1/agents/chaos/run", {
      json: { prompt: "sleep 5", timeoutMs: 200 },
    });
    expect(response.status).toBe(504);
    expect((await response.json()).error.code).toBe("timeout");
  });

  it("answers 500 for an exception in the agent's tool, as JSON without the traceback", async () => {
    const response = await gateway.request("/v1/agents/chaos/run", { json: { prompt: "raise" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toContain("application/json");
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({
      code: "internal",
      pythonType: expect.stringContaining("ValueError"),
    });
    expect(text).not.toContain("Traceback");
  });

  it("answers 429 with Retry-After when the agent's queue is full", async () => {
    const first = gateway.request("/v1/agents/chaos/run", { json: { prompt: "sleep 1" } });
    await waitFor(() => inFlight("chaos") === 1);
    const second = await gateway.request("/v1/agents/chaos/run", { json: { prompt: "x" } });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("1");
    expect((await second.json()).error).toMatchObject({ code: "overloaded", retryable: true });
    expect((await first).status).toBe(200);
  });

  it("cancels the run on the worker when the client disconnects", async () => {
    const client = new AbortController();
    const request = gateway.request("/v1/agents/chaos/run", {
      json: { prompt: "sleep 30" },
      signal: client.signal,
    });
    await waitFor(() => inFlight("chaos") === 1);
    client.abort();
    await expect(request).rejects.toThrow();
    await waitFor(() => inFlight("chaos") === 0, 5000);
  });
});

describe("POST /v1/agents/:name/stream", () => {
  it("sends start, one event per RunEvent, then the result", async () => {
    const response = await gateway.request("/v1/agents/echo/stream", { json: { prompt: "one two three" } });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = await readEvents(response);
    expect(events[0]).toMatchObject({
      event: "start",
      data: { runId: response.headers.get("x-axon-run-id") },
    });
    const text = events.filter((e) => e.event === "text-delta").map((e) => (e.data as { text: string }).text);
    expect(text.join("")).toBe("one two three");
    expect(events.at(-1)).toMatchObject({ event: "result", data: { result: { output: "one two three" } } });
  });

  it("streams tool calls and their results", async () => {
    const events = await readEvents(
      await gateway.request("/v1/agents/tools/stream", { json: { prompt: "add 2 and 3" } }),
    );
    const call = events.find((e) => e.event === "tool-call")?.data;
    const result = events.find((e) => e.event === "tool-result")?.data;
    expect(call).toMatchObject({ toolName: "add", args: { a: 2, b: 3 } });
    expect(result).toMatchObject({
      toolName: "add",
      result: 5,
      toolCallId: (call as { toolCallId: string }).toolCallId,
    });
  });

  it("ends with an error event when the run fails", async () => {
    const events = await readEvents(
      await gateway.request("/v1/agents/chaos/stream", { json: { prompt: "raise" } }),
    );
    expect(events.at(-1)).toMatchObject({
      event: "error",
      data: { type: "error", error: { code: "internal" } },
    });
  });

  it("validates the body before streaming (a JSON 400, not an SSE stream)", async () => {
    const response = await gateway.request("/v1/agents/echo/stream", { json: { prompt: "" } });
    expect(response.status).toBe(400);
    expect((await response.json()).error.field).toBe("prompt");
  });

  it("cancels the run on the worker when the client disconnects", async () => {
    const client = new AbortController();
    const response = await gateway.request("/v1/agents/chaos/stream", {
      json: { prompt: "sleep 30" },
      signal: client.signal,
    });
    const records = sseRecords(response);
    await nextRecord(records, "tool-call");
    expect(inFlight("chaos")).toBe(1);
    client.abort();
    await waitFor(() => inFlight("chaos") === 0, 5000);
  });
});

describe("POST /v1/runs/:runId/cancel", () => {
  it("cancels a streaming run, which ends with a cancelled error", async () => {
    const records = sseRecords(
      await gateway.request("/v1/agents/chaos/stream", { json: { prompt: "sleep 30" } }),
    );
    const { runId } = await nextRecord(records, "start");
    await nextRecord(records, "tool-call");
    const cancel = await gateway.request(`/v1/runs/${runId}/cancel`, { method: "POST" });
    expect(await cancel.json()).toEqual({ cancelled: true, runId });
    const error = await nextRecord(records, "error");
    expect(error).toMatchObject({ error: { code: "cancelled" } });
    await waitFor(() => inFlight("chaos") === 0, 5000);
  });

  it("answers 404 for a run that is not in flight", async () => {
    const response = await gateway.request("/v1/runs/no-such-run/cancel", { method: "POST" });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("run_not_found");
  });
});

describe("a worker that crashes mid-run", () => {
  it("answers 502 worker_crashed, retryable", async () => {
    const response = await gateway.request("/v1/agents/chaos/run", { json: { prompt: "crash" } });
    expect(response.status).toBe(502);
    expect((await response.json()).error).toMatchObject({ code: "worker_crashed", retryable: true });
  });
});
