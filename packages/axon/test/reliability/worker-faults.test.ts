// Workers that misbehave in ways a crash test does not cover: one that hangs (alive, but its
// event loop blocked), one that writes garbage on the control channel, one that exits during
// boot again and again.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentUnavailableError,
  type Axon,
  type AxonEvents,
  createAxon,
  type WorkerLogRecord,
} from "../../src/index.js";
import {
  fastSupervisor,
  isAlive,
  nextEvent,
  pidOf,
  SLOW_START_MS,
  STARTUP_TIMEOUT_MS,
  startAxon,
  waitFor,
} from "../helpers/start-axon.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const sharedFixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));

describe("a worker that stops answering (its event loop blocked)", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon(
      { chaos: { module: "examples.agents.chaos:agent" } },
      // Quick checks, but patient enough that a merely slow worker on a loaded machine passes.
      { supervisor: { ...fastSupervisor, healthCheck: { intervalMs: 300, timeoutMs: 1500, failures: 2 } } },
    );
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it(
    "is found by the health checks, killed and restarted, failing only its stuck run",
    async () => {
      const hungPid = pidOf(axon, "chaos");
      const exited = nextEvent(axon, "worker-exited");
      const restarted = nextEvent(axon, "worker-restarted");
      // Without the health checks this run would wait the whole 600 s: no deadline is set.
      const error = await axon.run("chaos", "hang 600").catch((e) => e);
      expect(error).toMatchObject({ code: "worker_crashed", retryable: true, agent: "chaos" });
      expect(await exited).toMatchObject({
        agent: "chaos",
        pid: hungPid,
        signal: "SIGKILL",
        expected: false,
      });
      expect(isAlive(hungPid)).toBe(false);
      expect(await restarted).toMatchObject({ agent: "chaos", restarts: 1 });
      // The checks it missed stay counted on the slot (axon_worker_health_check_failures_total).
      expect(axon.status()[0]?.healthCheckFailures).toBeGreaterThanOrEqual(2);
      expect((await axon.run("chaos", "hello")).output).toBe("ok");
    },
    STARTUP_TIMEOUT_MS,
  );

  it("leaves a healthy, idle worker alone", async () => {
    const pid = pidOf(axon, "chaos");
    const before = axon.status()[0]?.restarts;
    // Several health periods pass while the worker is merely idle or busy with a normal tool.
    expect((await axon.run("chaos", "sleep 2")).output).toBe("slept 2");
    expect(pidOf(axon, "chaos")).toBe(pid);
    expect(axon.status()[0]?.restarts).toBe(before);
  });
});

describe("garbage on the control channel", () => {
  let axon: Axon;
  const records: WorkerLogRecord[] = [];
  beforeAll(async () => {
    axon = await createAxon(
      {
        python: { cwd: fixtures },
        agents: { noisy: { module: "noisy_control:agent" } },
        startTimeoutMs: SLOW_START_MS,
      },
      { logger: pino({ level: "silent" }) },
    );
    axon.on("log", (record) => records.push(record));
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it("written while the worker loads, does not stop it from becoming ready", () => {
    expect(axon.status()[0]).toMatchObject({ agent: "noisy", state: "ready", restarts: 0 });
  });

  it("written mid-run, neither crashes the host nor fails the run or the next one", async () => {
    const pid = pidOf(axon, "noisy");
    for (let i = 0; i < 3; i++) expect((await axon.run("noisy", "scribble")).output).toBe("still fine");
    expect(pidOf(axon, "noisy")).toBe(pid);
  });

  it("that looks like a log record of the wrong shape is passed on with strings, not thrown", () => {
    for (const record of records) {
      expect(typeof record.level).toBe("string");
      expect(typeof record.message).toBe("string");
      expect(typeof record.logger).toBe("string");
      expect(Number.isFinite(record.time)).toBe(true);
    }
  });
});

describe("a worker that exits during boot again and again", () => {
  it(
    "is not restarted in a loop: one boot attempt per backoff step, each delay longer, with a clear error",
    async () => {
      const marker = join(mkdtempSync(join(tmpdir(), "axon-test-")), "fail");
      const axon = await createAxon(
        {
          python: { cwd: sharedFixtures, env: { AXON_TEST_BOOT_MARKER: marker } },
          agents: { flaky: { module: "flaky_boot:agent" } },
          startTimeoutMs: SLOW_START_MS,
          supervisor: { backoff: { initialMs: 300, maxMs: 10_000, jitter: 0 } },
        },
        { logger: pino({ level: "silent" }) },
      );
      const failures: AxonEvents["agent-failed"][] = [];
      const exits: AxonEvents["worker-exited"][] = [];
      axon.on("agent-failed", (event) => failures.push(event));
      axon.on("worker-exited", (event) => exits.push(event));
      try {
        writeFileSync(marker, "");
        process.kill(pidOf(axon, "flaky") as number, "SIGKILL");
        await waitFor(() => failures.length >= 4);
        const attemptsSoFar = exits.filter((e) => !e.expected).length;
        expect(failures.map((f) => f.retryInMs).slice(0, 4)).toEqual([300, 600, 1200, 2400]);
        // The crash itself, then one failed boot per retry: never more attempts than retries.
        expect(attemptsSoFar).toBeLessThanOrEqual(failures.length + 1);
        for (const { error } of failures) {
          expect(error).toBeInstanceOf(AgentUnavailableError);
          expect(error.message).toContain("flaky_boot: failing on purpose");
        }
        const refused = await axon.run("flaky", "hi").catch((e) => e);
        expect(refused).toMatchObject({ code: "agent_unavailable", retryable: true });
        rmSync(marker);
        await waitFor(() => axon.status()[0]?.state === "ready");
        expect((await axon.run("flaky", "hi")).output).toBe("booted");
      } finally {
        await axon.close();
      }
    },
    STARTUP_TIMEOUT_MS,
  );
});
