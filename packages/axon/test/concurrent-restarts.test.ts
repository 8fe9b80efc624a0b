// Restarts that overlap (many callers at once, a restart while a failed agent backs off) leave
// exactly the workers status() lists, an agent that serves, and nothing alive after close().
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon } from "../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon, waitFor } from "./helpers/start-axon.js";
import { liveWorkerPids } from "./helpers/worker-processes.js";

const statusPids = (axon: Axon) =>
  axon
    .status()
    .map((row) => row.pid)
    .filter((pid): pid is number => pid !== undefined)
    .sort((a, b) => a - b);

describe("a restart of an agent that failed and waits for its backoff", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon(
      { chaos: { module: "examples.agents.chaos:agent" } },
      {
        supervisor: { maxRestarts: 1, withinMs: 60_000, backoff: { initialMs: 300, maxMs: 300, jitter: 0 } },
      },
    );
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it(
    "replaces the backoff: no timer relaunches the agent later and orphans the workers the restart started",
    async () => {
      const failed = new Promise((resolve) => axon.once("agent-failed", resolve));
      for (let crash = 0; crash < 2; crash++) {
        await axon.run("chaos", "crash").catch(() => {});
        if (crash === 0) await waitFor(() => axon.status()[0]?.state === "ready", 30_000);
      }
      await failed;
      await axon.restart("chaos");
      const pids = statusPids(axon);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // five backoffs long
      expect(statusPids(axon)).toEqual(pids);
      expect(liveWorkerPids()).toEqual(pids);
      expect((await axon.run<string>("chaos", "hello")).output).toBe("ok");
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("concurrent restarts of one agent", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon({ echo: { module: "examples.agents.echo:agent", instances: 2 } });
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it(
    "coalesce: 20 at once all resolve, the agent serves at once, and the live workers are the ones status() lists",
    async () => {
      const before = statusPids(axon);
      const events: string[] = [];
      axon.on("agent-failed", () => events.push("agent-failed"));
      await Promise.all(Array.from({ length: 20 }, () => axon.restart("echo")));
      expect(axon.status().map((row) => row.state)).toEqual(["ready", "ready"]);
      expect((await axon.run<string>("echo", "after the storm")).output).toBe("after the storm");
      const after = statusPids(axon);
      expect(after).toHaveLength(2);
      expect(after.some((pid) => before.includes(pid))).toBe(false);
      await waitFor(() => liveWorkerPids().join() === after.join(), 10_000);
      expect(events).toEqual([]);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "a restart during another one (not at the same instant) still ends with two serving workers and no strays",
    async () => {
      const first = axon.restart("echo");
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = axon.restart("echo");
      await Promise.all([first, second]);
      expect((await axon.run<string>("echo", "still here")).output).toBe("still here");
      await waitFor(() => liveWorkerPids().join() === statusPids(axon).join(), 10_000);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "leave nothing alive after close()",
    async () => {
      void axon.restart("echo").catch(() => {});
      await axon.close();
      await waitFor(() => liveWorkerPids().length === 0, 10_000);
    },
    STARTUP_TIMEOUT_MS,
  );
});
