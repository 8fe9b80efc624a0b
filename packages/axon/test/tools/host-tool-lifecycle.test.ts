import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Axon, CancelledError, TimeoutError, tool } from "../../src/index.js";
import { pidOf, STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";

let axon: Axon;

beforeAll(async () => {
  axon = await startAxon({ orders: { module: "examples.agents.orders:agent" } });
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
});

/** A `lookupOrder` that waits until its signal aborts; `started` resolves with that signal. */
function waitingLookup() {
  let started: (signal: AbortSignal) => void = () => {};
  const running = new Promise<AbortSignal>((resolve) => {
    started = resolve;
  });
  const lookupOrder = tool({
    inputSchema: z.object({ id: z.string() }),
    timeoutMs: 600_000,
    execute: async (_args, { signal }) => {
      started(signal);
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      return "never used";
    },
  });
  return { running, tools: { lookupOrder } };
}

describe("a run with host tools and its workers", () => {
  it("continues on a restarted worker: the state of the run is in the history", async () => {
    const before = pidOf(axon, "orders");
    const lookupOrder = tool({
      inputSchema: z.object({ id: z.string() }),
      execute: async ({ id }) => {
        // Between the round trips, the worker that served the first one goes away.
        await axon.restart("orders");
        return { id, status: "found after a restart" };
      },
    });
    const result = await axon.run("orders", "order 42", { tools: { lookupOrder } });
    expect(result.output).toBe("order 42 is found after a restart");
    expect(pidOf(axon, "orders")).not.toBe(before);
    expect(result.usage.requests).toBe(2);
  });

  it("aborts the tool's signal and rejects with CancelledError when the run is cancelled", async () => {
    const { running, tools } = waitingLookup();
    const controller = new AbortController();
    const result = axon.run("orders", "order 42", { tools, signal: controller.signal });
    const signal = await running;
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(CancelledError);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CancelledError);
  });

  it("cancels a stream whose host tool is running, by axon.cancel(runId)", async () => {
    const { running, tools } = waitingLookup();
    const stream = axon.stream("orders", "order 42", { tools, runId: "cancel-me" });
    const signal = await running;
    expect(axon.cancel("cancel-me")).toBe(true);
    await expect(stream.result).rejects.toBeInstanceOf(CancelledError);
    expect(signal.aborted).toBe(true);
  });

  it("fails with TimeoutError when the run's deadline passes while a host tool runs", async () => {
    const { running, tools } = waitingLookup();
    const result = axon.run("orders", "order 42", { tools, timeoutMs: 2000 });
    const signal = await running;
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
    expect(signal.aborted).toBe(true);
  });
});
