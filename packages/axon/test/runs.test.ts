import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentNotFoundError,
  type Axon,
  CancelledError,
  InternalError,
  InvalidRequestError,
  isAxonError,
  OverloadedError,
  type RunEvent,
  TimeoutError,
  UsageLimitExceededError,
} from "../src/index.js";
import { nextEvent, STARTUP_TIMEOUT_MS, startAxon, waitFor } from "./helpers/start-axon.js";

let axon: Axon;

beforeAll(async () => {
  axon = await startAxon({
    echo: { module: "examples.agents.echo:agent", instances: 2 },
    structured: { module: "examples.agents.structured:agent" },
    tools: { module: "examples.agents.tools:agent" },
    chaos: { module: "examples.agents.chaos:agent", maxConcurrency: 4, maxQueue: 4 },
  });
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
});

const inFlight = (agent: string) =>
  axon
    .status()
    .filter((s) => s.agent === agent)
    .reduce((sum, s) => sum + s.inFlight, 0);

async function collect<T>(stream: AsyncIterable<RunEvent<T>>): Promise<RunEvent<T>[]> {
  const events: RunEvent<T>[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("a unary run", () => {
  it("answers with the output, usage, messages, run id and model", async () => {
    const result = await axon.run<string>("echo", "hello axon", { runId: "run-1" });
    expect(result.output).toBe("hello axon");
    expect(result.runId).toBe("run-1");
    expect(result.model).toContain("echo");
    expect(result.usage.requests).toBe(1);
    expect(result.newMessages.length).toBeGreaterThan(0);
  });

  it("continues a conversation from its message history", async () => {
    const first = await axon.run("chaos", "turns");
    const second = await axon.run("chaos", "turns", { messageHistory: first.allMessages });
    expect([first.output, second.output]).toEqual(["1", "2"]);
  });

  it("returns structured output as parsed JSON", async () => {
    const result = await axon.run<Record<string, unknown>>("structured", "Paris");
    expect(typeof result.output).toBe("object");
    expect(result.output).not.toBeNull();
  });
});

describe("a streamed run", () => {
  it("yields an echo's text deltas in order, then the result", async () => {
    const stream = axon.stream<string>("echo", "one two three four");
    const events = await collect(stream);
    const text = events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
    expect(text).toBe("one two three four");
    expect(events.at(-1)).toMatchObject({ type: "result", result: { output: "one two three four" } });
    expect((await stream.result).runId).toBe(stream.runId);
  });

  it("yields tool calls before their results, then the answer", async () => {
    const events = await collect(axon.stream("tools", "what is 2 + 3?"));
    const types = events.map((e) => e.type);
    const call = types.indexOf("tool-call");
    expect(call).toBeGreaterThanOrEqual(0);
    expect(types.indexOf("tool-result")).toBeGreaterThan(call);
    const toolCall = events[call];
    expect(toolCall).toMatchObject({ type: "tool-call", toolName: "add" });
    expect(types.at(-1)).toBe("result");
  });

  it("yields partial structured output, each superseding the last", async () => {
    const events = await collect(axon.stream("structured", "Paris"));
    const partials = events.filter((e) => e.type === "output-delta");
    expect(partials.length).toBeGreaterThan(0);
    const last = events.at(-1);
    expect(last?.type).toBe("result");
  });

  it("cancels the run on the worker when the caller leaves the loop early", async () => {
    // A run that is surely still going when the loop is left (an echo can finish within one read).
    const stream = axon.stream("chaos", "sleep 30");
    for await (const _event of stream) break;
    await expect(stream.result).rejects.toBeInstanceOf(CancelledError);
    expect(inFlight("chaos")).toBe(0);
  });
});

describe("cancellation and deadlines", () => {
  it("cancels a run on the worker when its AbortSignal aborts, and frees its slot at once", async () => {
    const controller = new AbortController();
    const logged = (text: string) =>
      nextEvent(axon, "log", (r) => r.runId === "to-cancel" && r.message.includes(text));
    const sleeping = logged("sleeping");
    const interrupted = logged("interrupted");
    const run = axon.run("chaos", "sleep 30", { signal: controller.signal, runId: "to-cancel" });
    await sleeping;
    expect(inFlight("chaos")).toBe(1);
    controller.abort();
    expect(inFlight("chaos")).toBe(0);
    await expect(run).rejects.toMatchObject({ code: "cancelled", runId: "to-cancel" });
    expect((await interrupted).agent).toBe("chaos");
  });

  it("cancels a run by id", async () => {
    const run = axon.run("chaos", "sleep 30", { runId: "by-id" });
    await waitFor(() => inFlight("chaos") === 1);
    expect(axon.cancel("by-id")).toBe(true);
    expect(axon.cancel("no-such-run")).toBe(false);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it("fails a run that outlives its timeoutMs with TimeoutError", async () => {
    const started = Date.now();
    const error = await axon.run("chaos", "sleep 30", { timeoutMs: 300 }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "timeout", retryable: false, agent: "chaos" });
    expect(Date.now() - started).toBeLessThan(3000);
    await waitFor(() => inFlight("chaos") === 0);
  });
});

describe("errors", () => {
  it("rejects an unknown agent before any worker call, listing the known ones", async () => {
    const error = await axon.run("nope", "hi").catch((e) => e);
    expect(error).toBeInstanceOf(AgentNotFoundError);
    expect(error.knownAgents).toEqual(["echo", "structured", "tools", "chaos"]);
    await expect(axon.stream("nope", "hi").result).rejects.toBeInstanceOf(AgentNotFoundError);
  });

  it("rejects a bad run option with an error naming it, and keeps serving", async () => {
    const bad = { usageLimits: { requestLimit: -1 } };
    const error = await axon.run("echo", "hi", bad).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.field).toBe("usageLimits.requestLimit");
    const unknown = await axon.run("echo", "hi", { colour: "red" } as never).catch((e) => e);
    expect(unknown.message).toContain("colour");
    expect((await axon.run("echo", "still fine")).output).toBe("still fine");
  });

  it("reports a malformed message history as invalid_request from the worker", async () => {
    const error = await axon.run("echo", "hi", { messageHistory: [{ kind: "nonsense" }] }).catch((e) => e);
    expect(error).toMatchObject({ code: "invalid_request", retryable: false });
  });

  it("carries a tool's Python exception type and traceback", async () => {
    const error = await axon.run("chaos", "raise").catch((e) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error.pythonType).toContain("ValueError");
    expect(error.pythonTraceback).toContain("chaos: the tool failed on purpose");
  });

  it("maps an exceeded usage limit to UsageLimitExceededError", async () => {
    const error = await axon.run("chaos", "usage", { usageLimits: { requestLimit: 3 } }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageLimitExceededError);
    expect(isAxonError(error) && error.toJSON()).toMatchObject({
      code: "usage_limit_exceeded",
      agent: "chaos",
    });
  });

  it("answers OverloadedError once every slot is busy and the queue is full", async () => {
    const runs = Array.from({ length: 8 }, (_, i) => axon.run("chaos", "sleep 30", { runId: `busy-${i}` }));
    const settled = runs.map((run) => run.catch((e) => e));
    await waitFor(() => inFlight("chaos") === 4);
    const error = await axon.run("chaos", "ok").catch((e) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error.retryable).toBe(true);
    for (let i = 0; i < 8; i++) axon.cancel(`busy-${i}`);
    expect((await Promise.all(settled)).every((e) => e instanceof CancelledError)).toBe(true);
  });

  it("retries a retryable error (overloaded) until a slot frees up, but never a non-retryable one", async () => {
    const busy = Array.from({ length: 8 }, (_, i) =>
      axon.run("chaos", "sleep 30", { runId: `full-${i}` }).catch(() => {}),
    );
    await waitFor(() => inFlight("chaos") === 4);
    const retried = axon.run<string>("chaos", "ok", { retry: { attempts: 10, backoffMs: 50 } });
    setTimeout(() => {
      for (let i = 0; i < 8; i++) axon.cancel(`full-${i}`);
    }, 200);
    expect((await retried).output).toBe("ok");
    await Promise.all(busy);

    // A retry would wait backoffMs first: failing sooner shows there was none.
    const started = Date.now();
    const error = await axon
      .run("chaos", "raise", { retry: { attempts: 3, backoffMs: 5000 } })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "internal", retryable: false });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("routing", () => {
  it(
    "gives each of 500 concurrent runs over 2 instances its own output",
    async () => {
      const prompts = Array.from({ length: 500 }, (_, i) => `prompt number ${i}`);
      const results = await Promise.all(prompts.map((prompt) => axon.run<string>("echo", prompt)));
      expect(results.map((r) => r.output)).toEqual(prompts);
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("introspection", () => {
  it("describes every agent: model, output schema, tools", async () => {
    const agents = await axon.agents();
    expect(agents.map((a) => a.name)).toEqual(["echo", "structured", "tools", "chaos"]);
    const echo = agents.find((a) => a.name === "echo");
    expect(echo).toMatchObject({ outputKind: "text", outputSchema: { type: "string" }, instances: 2 });
    expect(echo?.versions.pydanticAi).not.toBe("");
    const tools = agents.find((a) => a.name === "tools");
    expect(tools?.tools.map((t) => t.name)).toContain("add");
    expect(agents.find((a) => a.name === "structured")?.outputKind).toBe("structured");
  });

  it("reports every worker as ready with its pid, address and uptime", () => {
    const status = axon.status();
    expect(status.map((s) => `${s.agent}-${s.instance}`)).toEqual([
      "echo-0",
      "echo-1",
      "structured-0",
      "tools-0",
      "chaos-0",
    ]);
    for (const worker of status) {
      expect(worker).toMatchObject({ state: "ready", restarts: 0, queued: 0 });
      expect(worker.pid).toBeGreaterThan(0);
      expect(worker.address).toMatch(/^unix:\/.*\.sock$/);
    }
  });
});
