// Message size limits: the host and its workers allow the same `maxMessageBytes` (64 MiB by
// default, not gRPC's 4 MiB on the worker's side), and a message over it is an `invalid_request`
// naming the limit, at once: never `overloaded` (a retryable 429), never after the tool timeout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Axon, isAxonError, tool } from "../../src/index.js";
import { pidOf, STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";

const MiB = 1024 * 1024;

/** A real two-message history whose answer is replaced by `size` bytes of text. */
async function historyOf(axon: Axon, size: number): Promise<unknown[]> {
  const { allMessages } = await axon.run("chaos", "hello");
  const history = structuredClone(allMessages) as { parts: { content?: unknown }[] }[];
  const reply = history[1]?.parts[0];
  if (!reply) throw new Error("no reply to grow");
  reply.content = "x".repeat(size);
  return history;
}

async function failure(promise: Promise<unknown>) {
  const started = Date.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAxonError(error)) throw new Error(`expected an AxonError, got ${String(error)}`);
  return { error, ms: Date.now() - started };
}

describe("with the default limit (64 MiB)", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent" } });
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it("continues a conversation whose history is 6 MiB, unary and streamed", async () => {
    const messageHistory = await historyOf(axon, 6 * MiB);
    const result = await axon.run<string>("chaos", "turns", { messageHistory });
    expect(result.output).toBe("2");
    expect(JSON.stringify(result.allMessages).length).toBeGreaterThan(6 * MiB);
    const stream = axon.stream<string>("chaos", "turns", { messageHistory });
    for await (const _ of stream) {
      // drained
    }
    expect((await stream.result).output).toBe("2");
  });
});

describe("with a small configured limit (1 MiB)", () => {
  let axon: Axon;
  const lookupOrder = tool({
    description: "Look an order up by its id",
    inputSchema: z.object({ id: z.string() }),
    execute: async ({ id }) => ({ id, status: "y".repeat(2 * MiB) }),
  });
  beforeAll(async () => {
    axon = await startAxon(
      {
        chaos: { module: "examples.agents.chaos:agent" },
        echo: { module: "examples.agents.echo:agent" },
        orders: { module: "examples.agents.orders:agent", tools: { lookupOrder } },
      },
      { maxMessageBytes: MiB },
    );
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it("refuses a 2 MiB history before sending it, naming the limit and the config field", async () => {
    const messageHistory = await historyOf(axon, 2 * MiB);
    const pid = pidOf(axon, "chaos");
    const { error, ms } = await failure(
      axon.run("chaos", "turns", { messageHistory, retry: { attempts: 3 } }),
    );
    expect(error).toMatchObject({ code: "invalid_request", retryable: false, field: "messageHistory" });
    expect(error.message).toContain(`the limit of ${MiB} bytes`);
    expect(error.message).toContain("maxMessageBytes");
    expect(ms).toBeLessThan(1000);
    expect(pidOf(axon, "chaos")).toBe(pid);
    expect((await axon.run("chaos", "turns")).output).toBe("1");
  });

  it("refuses a host tool's 2 MiB result on the next round trip at once, not after the tool timeout", async () => {
    const { error, ms } = await failure(axon.run("orders", "order 42"));
    expect(error).toMatchObject({ code: "invalid_request", retryable: false, field: "deferredToolResults" });
    expect(error.message).toContain("maxMessageBytes");
    expect(ms).toBeLessThan(5000);
  });

  it("reports an answer over the limit as invalid_request naming the limit, not as overloaded", async () => {
    // Half the limit on the way in; echo's answer holds the prompt three times.
    const { error } = await failure(axon.run("echo", "x".repeat(MiB / 2), { retry: { attempts: 3 } }));
    expect(error).toMatchObject({ code: "invalid_request", retryable: false, field: "maxMessageBytes" });
    expect(error.message).toContain(`the limit of ${MiB} bytes`);
    const streamed = await failure(axon.stream("echo", "x".repeat(MiB / 2)).result);
    expect(streamed.error).toMatchObject({ code: "invalid_request", field: "maxMessageBytes" });
    expect((await axon.run("echo", "still here")).output).toBe("still here");
  });
});
