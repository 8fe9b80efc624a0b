// A poisonous request (the chaos agent's `crash` kills its worker) asking for 100 retries:
// capped by `maxRetryAttempts`, and stopped by the crash barrier at its second crash, so it
// cannot take the agent's workers down one after another until the agent is marked `failed`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon, AxonEvents } from "../../src/index.js";
import { isAxonError } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon, waitFor } from "../helpers/start-axon.js";

describe("a request that crashes its worker, asking for 100 retries", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent", instances: 2 } });
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it(
    "crashes a worker at most twice, fails as worker_crashed with crashBarrier, and leaves the agent available",
    async () => {
      const exits: AxonEvents["worker-exited"][] = [];
      const failed: unknown[] = [];
      axon.on("worker-exited", (event) => exits.push(event));
      axon.on("agent-failed", (event) => failed.push(event));
      // A run in flight beside it, on the other worker (least in-flight routing): it may be cut by
      // the poisonous run's one retry, and then finishes through its own single retry.
      const beside = axon.run<string>("chaos", "sleep 2", { retry: { attempts: 2 } });
      await waitFor(() => axon.status().some((s) => s.inFlight === 1));
      const started = Date.now();
      const error = await axon
        .run("chaos", "crash", { retry: { attempts: 100, backoffMs: 0 } })
        .catch((e: unknown) => e);
      if (!isAxonError(error)) throw new Error(`expected an AxonError, got ${String(error)}`);
      expect(error).toMatchObject({ code: "worker_crashed", retryable: false, crashBarrier: true });
      expect(error.message).toContain("not retried again (crash barrier)");
      expect(error.toJSON()).toMatchObject({ code: "worker_crashed", crashBarrier: true });
      expect(Date.now() - started).toBeLessThan(10_000);

      expect((await beside).output).toBe("slept 2");
      await waitFor(() => axon.status().every((s) => s.state === "ready"));
      const crashes = exits.filter((e) => e.agent === "chaos" && !e.expected);
      expect(crashes.length).toBeGreaterThanOrEqual(1);
      expect(crashes.length).toBeLessThanOrEqual(2);
      expect(failed).toEqual([]);
      expect((await axon.run("chaos", "hello")).output).toBe("ok");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "a crash on a run's last allowed attempt stays retryable for its caller",
    async () => {
      const error = await axon.run("chaos", "crash").catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "worker_crashed", retryable: true });
      expect(isAxonError(error) && error.toJSON()).not.toHaveProperty("crashBarrier");
      await waitFor(() => axon.status().every((s) => s.state === "ready"));
    },
    STARTUP_TIMEOUT_MS,
  );
});
