import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type Axon,
  ConfigError,
  InvalidRequestError,
  type ToolContext,
  tool,
  UnexpectedModelBehaviorError,
} from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { collectEvents } from "./collect-events.js";

// The `orders` demo agent (examples/agents/orders.py) names host tools; each test brings its own.
let axon: Axon;

const configured = tool({
  description: "Look an order up by its id",
  inputSchema: z.object({ id: z.string() }),
  execute: async ({ id }) => ({ id, status: "from the config" }),
});

beforeAll(async () => {
  axon = await startAxon({
    orders: { module: "examples.agents.orders:agent", tools: { lookupOrder: configured } },
  });
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
});

/** A `lookupOrder` whose answers a test scripts; it records every call. */
function scriptedLookup(answer: (id: string, call: number) => unknown | Promise<unknown>) {
  const calls: { id: string; context: ToolContext }[] = [];
  const lookupOrder = tool({
    description: "Look an order up by its id",
    inputSchema: z.object({ id: z.string().regex(/^\d+$/, "an order id is digits") }),
    execute: async ({ id }, context) => {
      calls.push({ id, context });
      return answer(id, calls.length);
    },
  });
  return { calls, tools: { lookupOrder } };
}

describe("a host tool call", () => {
  it("runs the TypeScript tool and answers with what it returned, as one run", async () => {
    const { calls, tools } = scriptedLookup((id) => ({ id, status: "shipped" }));
    const result = await axon.run<string>("orders", "order 42", { tools, runId: "one-call" });
    expect(result.output).toBe("order 42 is shipped");
    expect(calls.map((c) => c.id)).toEqual(["42"]);
    const { context } = calls[0] ?? {};
    expect(context).toMatchObject({ runId: "one-call", agent: "orders" });
    expect(context?.toolCallId).toMatch(/\S/);
    expect(context?.signal.aborted).toBe(false);
    expect(result.runId).toBe("one-call");
  });

  it("adds up usage across round trips and spans the whole run in newMessages", async () => {
    const { tools } = scriptedLookup((id) => ({ id, status: "shipped" }));
    const result = await axon.run("orders", "order 42", { tools });
    expect(result.usage.requests).toBe(2);
    expect(result.usage.toolCalls).toBe(1);
    expect(result.newMessages).toEqual(result.allMessages);
    const kinds = (result.newMessages as { kind: string }[]).map((m) => m.kind);
    expect(kinds).toEqual(["request", "response", "request", "response"]);
  });

  it("uses the agent's configured tools, and a run's tool of the same name replaces it", async () => {
    expect((await axon.run("orders", "order 1")).output).toBe("order 1 is from the config");
    const { tools } = scriptedLookup((id) => ({ id, status: "from the run" }));
    expect((await axon.run("orders", "order 1", { tools })).output).toBe("order 1 is from the run");
  });

  it("runs the calls of one response in parallel", async () => {
    // Each call waits until all three have started: only parallel calls can finish.
    let release: () => void = () => {};
    const allStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { calls, tools } = scriptedLookup(async (id, n) => {
      if (n === 3) release();
      await allStarted;
      return { id, status: "shipped" };
    });
    const result = await axon.run("orders", "orders 1 2 3", { tools });
    expect(result.output).toBe("order 1 is shipped; order 2 is shipped; order 3 is shipped");
    expect(calls.map((c) => c.id).sort()).toEqual(["1", "2", "3"]);
    expect(result.usage.requests).toBe(2);
  });
});

describe("a failing host tool", () => {
  it("gives the model its error as a retry, and the run succeeds when the retry does", async () => {
    const { calls, tools } = scriptedLookup((id, n) => {
      if (n === 1) throw new Error("the order database is busy");
      return { id, status: "shipped" };
    });
    const events = await collectEvents(axon.stream("orders", "order 42", { tools }));
    const results = events.filter((e) => e.type === "tool-result");
    expect(results.map((e) => e.retry ?? e.result)).toEqual([
      "Tool lookupOrder failed: the order database is busy",
      { id: "42", status: "shipped" },
    ]);
    expect(calls).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: "result", result: { output: "order 42 is shipped" } });
  });

  it("fails the run naming the tool once the agent's retries are used up", async () => {
    const { calls, tools } = scriptedLookup(() => {
      throw new Error("no such order");
    });
    const error = await axon.run("orders", "order 99", { tools, runId: "exhausted" }).catch((e) => e);
    expect(error).toBeInstanceOf(UnexpectedModelBehaviorError);
    expect(error.message).toContain('host tool "lookupOrder"');
    expect(error.message).toContain("exceeded max retries count of 2");
    expect(error.message).toContain("no such order");
    expect(error.runId).toBe("exhausted");
    expect(error.toolName).toBe("lookupOrder"); // a field from the worker, not read from its text
    // The first call and the agent's 2 retries (orders.py: `retries=2`).
    expect(calls).toHaveLength(3);
  });

  it("counts a call that outlives its timeoutMs as failed, and the model retries", async () => {
    let calls = 0;
    const slow = tool({
      inputSchema: z.object({ id: z.string() }),
      timeoutMs: 50,
      execute: async ({ id }, { signal }) => {
        calls += 1;
        // The first call waits for its signal: it ends only by the timeout.
        if (calls === 1) await new Promise((resolve) => signal.addEventListener("abort", resolve));
        return { id, status: "late but there" };
      },
    });
    const events = await collectEvents(axon.stream("orders", "order 5", { tools: { lookupOrder: slow } }));
    const retry = events.find((e) => e.type === "tool-result" && e.retry !== undefined);
    expect(retry).toMatchObject({ retry: expect.stringContaining("did not finish within 50 ms") });
    expect(events.at(-1)).toMatchObject({ result: { output: "order 5 is late but there" } });
  });
});

describe("bad input", () => {
  it("answers arguments that fail the zod schema with a retry carrying the validation message", async () => {
    const { calls, tools } = scriptedLookup((id) => ({ id, status: "shipped" }));
    const events = await collectEvents(axon.stream("orders", "typo 42", { tools }));
    const [badArgs] = events.filter((e) => e.type === "tool-result");
    expect(badArgs).toMatchObject({
      toolName: "lookupOrder",
      retry: expect.stringContaining("Invalid arguments"),
    });
    expect(badArgs?.type === "tool-result" && badArgs.retry).toContain("id");
    // The tool itself only ever saw valid arguments.
    expect(calls.map((c) => c.id)).toEqual(["42"]);
    expect(events.at(-1)).toMatchObject({ result: { output: "order 42 is shipped" } });
  });

  it("sends a tool name the model invents down pydantic-ai's unknown-tool retry", async () => {
    const { calls, tools } = scriptedLookup((id) => ({ id }));
    const events = await collectEvents(axon.stream("orders", "cancel 42", { tools }));
    const unknown = events.find((e) => e.type === "tool-result");
    expect(unknown).toMatchObject({
      toolName: "cancelOrder",
      retry: expect.stringContaining("Unknown tool name: 'cancelOrder'"),
    });
    expect(calls).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ result: { output: "I cannot cancel orders." } });
  });

  it("refuses a tools option that is not made with tool(), naming it", async () => {
    const tools = { lookupOrder: { execute: () => 1 } } as never;
    const error = await axon.run("orders", "order 1", { tools }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.field).toBe("tools.lookupOrder");
  });

  it("refuses, where the tool is written, a schema that is not an object", () => {
    expect(() => tool({ inputSchema: z.string(), execute: async () => 1 })).toThrow(ConfigError);
    expect(() => tool({ inputSchema: z.string(), execute: async () => 1 })).toThrow(/object schema/);
  });
});

describe("a streamed run with host tools", () => {
  it("shows each host tool's call and result once, in order, like a Python tool's", async () => {
    const { tools } = scriptedLookup((id) => ({ id, status: "shipped" }));
    const events = await collectEvents(axon.stream("orders", "order 42", { tools }));
    const kinds = events.map((e) => e.type).filter((type, i, all) => type !== all[i - 1]);
    expect(kinds).toEqual(["tool-call", "tool-result", "text-delta", "result"]);
    const [call, result] = events;
    expect(call).toMatchObject({ type: "tool-call", toolName: "lookupOrder", args: { id: "42" } });
    expect(result).toMatchObject({
      type: "tool-result",
      toolCallId: (call as { toolCallId: string }).toolCallId,
    });
    const text = events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
    expect(text).toBe("order 42 is shipped");
  });
});

describe("agents()", () => {
  it("lists the host tools the config gives an agent, with their JSON Schema", async () => {
    const [orders] = await axon.agents();
    expect(orders?.hostTools).toEqual([
      {
        name: "lookupOrder",
        description: "Look an order up by its id",
        parameters: expect.objectContaining({ type: "object", properties: { id: { type: "string" } } }),
        needsApproval: false,
      },
    ]);
  });
});
