import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon, WorkerStatus } from "../src/index.js";
import { isAlive, nextEvent, pidOf, STARTUP_TIMEOUT_MS, startAxon, waitFor } from "./helpers/start-axon.js";

// Warm standby: a spare worker, booted but out of the pool, takes a crashed worker's slot.

const spareOf = (axon: Axon, agent: string): WorkerStatus | undefined =>
  axon.status().find((s) => s.agent === agent && s.state === "standby");
/** A ready spare has an address; a booting one (or one waiting to boot again) has none. */
const readySpare = (axon: Axon, agent: string, not?: number) => {
  const spare = spareOf(axon, agent);
  return spare?.address !== undefined && spare.pid !== not ? spare : undefined;
};

/** Runs `chaos` "sleep" runs and returns the pids that served them (from their log records). */
async function servingPids(axon: Axon, runs: number): Promise<Set<number | undefined>> {
  const pids = new Set<number | undefined>();
  const listener = (record: { message: string; pid: number | undefined }) => {
    if (record.message.includes("sleeping")) pids.add(record.pid);
  };
  axon.on("log", listener);
  try {
    const results = await Promise.all(
      Array.from({ length: runs }, () => axon.run<string>("chaos", "sleep 0.05")),
    );
    for (const result of results) expect(result.output).toContain("slept");
  } finally {
    axon.off("log", listener);
  }
  return pids;
}

describe("an agent with one warm standby", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent", standby: 1 } });
    await waitFor(() => readySpare(axon, "chaos") !== undefined);
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it("lists the spare after the serving worker, out of the pool", async () => {
    const [serving, spare] = axon.status();
    expect(serving).toMatchObject({ agent: "chaos", instance: 0, state: "ready", restarts: 0 });
    expect(spare).toMatchObject({ agent: "chaos", instance: 1, state: "standby", inFlight: 0 });
    expect(isAlive(spare?.pid)).toBe(true);
    expect(await servingPids(axon, 6)).toEqual(new Set([serving?.pid]));
  });

  it(
    "puts the ready spare into a killed worker's slot at once and boots a new spare",
    async () => {
      const killed = pidOf(axon, "chaos") as number;
      const spare = readySpare(axon, "chaos")?.pid as number;
      const restarted = nextEvent(axon, "worker-restarted");
      const started = nextEvent(axon, "worker-started");
      process.kill(killed, "SIGKILL");

      expect(await started).toMatchObject({ agent: "chaos", instance: 0, pid: spare });
      expect(await restarted).toMatchObject({ agent: "chaos", instance: 0, pid: spare, restarts: 1 });
      expect(await servingPids(axon, 4)).toEqual(new Set([spare]));

      const [serving, next] = axon.status();
      expect(serving).toMatchObject({ instance: 0, state: "ready", pid: spare, restarts: 1 });
      expect(next).toMatchObject({ instance: 1, state: "standby" });
      expect(next?.pid).not.toBe(spare);
      expect(isAlive(killed)).toBe(false);
      await waitFor(() => readySpare(axon, "chaos", spare) !== undefined);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "replaces a crashed spare without touching the serving worker or its restarts",
    async () => {
      const serving = axon.status()[0] as WorkerStatus;
      const crashed = readySpare(axon, "chaos")?.pid as number;
      process.kill(crashed, "SIGKILL");
      await waitFor(() => readySpare(axon, "chaos", crashed) !== undefined);

      const [after, spare] = axon.status();
      expect(after).toMatchObject({ state: "ready", pid: serving.pid, restarts: serving.restarts });
      expect(spare).toMatchObject({ state: "standby", restarts: 1 });
      expect(isAlive(crashed)).toBe(false);
      // The new spare serves nothing either until it is promoted.
      expect(await servingPids(axon, 6)).toEqual(new Set([serving.pid]));
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "restarts the spare with the agent's workers",
    async () => {
      const before = axon.status().map((s) => s.pid);
      await axon.restart("chaos");
      await waitFor(() => readySpare(axon, "chaos") !== undefined);
      const after = axon.status().map((s) => s.pid);
      for (const pid of before) {
        expect(after).not.toContain(pid);
        expect(isAlive(pid)).toBe(false);
      }
      expect((await axon.run<string>("chaos", "hello")).output).toBe("ok");
    },
    STARTUP_TIMEOUT_MS,
  );

  it("close() stops the spare with the workers", async () => {
    const pids = axon.status().map((s) => s.pid);
    expect(pids).toHaveLength(2);
    await axon.close();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});

describe("a spare that cannot boot", () => {
  const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "axon-standby-"));
  const marker = join(dir, "fail");
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon(
      { flaky: { module: "flaky_boot:agent", standby: 1 } },
      { python: { cwd: fixtures, env: { AXON_TEST_BOOT_MARKER: marker } } },
    );
    await waitFor(() => readySpare(axon, "flaky") !== undefined);
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await axon?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "is retried with backoff while the agent keeps serving, and comes back when it can boot",
    async () => {
      const serving = axon.status()[0] as WorkerStatus;
      const crashed = readySpare(axon, "flaky")?.pid as number;
      writeFileSync(marker, "");
      process.kill(crashed, "SIGKILL");
      // The crash, then at least one failed boot.
      await waitFor(() => (spareOf(axon, "flaky")?.restarts ?? 0) >= 2);
      expect((await axon.run<string>("flaky", "hi")).output).toBe("booted");
      expect(axon.status()[0]).toMatchObject({ state: "ready", pid: serving.pid, restarts: 0 });

      rmSync(marker);
      await waitFor(() => readySpare(axon, "flaky", crashed) !== undefined);
      expect(axon.status()[0]).toMatchObject({ state: "ready", pid: serving.pid, restarts: 0 });
    },
    STARTUP_TIMEOUT_MS,
  );
});
