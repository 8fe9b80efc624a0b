import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { AgentUnavailableError, createAxon, WorkerStartError } from "../src/index.js";
import { pidNamespaceKey } from "../src/worker/socket-dir.js";
import {
  isAlive,
  nextEvent,
  pidOf,
  repoRoot,
  SLOW_START_MS,
  STARTUP_TIMEOUT_MS,
  startAxon,
  waitFor,
} from "./helpers/start-axon.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const pgrep = (pattern: string) => spawnSync("pgrep", ["-f", pattern], { encoding: "utf8" }).stdout.trim();

describe("a worker that fails during boot", () => {
  it(
    "rejects createAxon with WorkerStartError carrying the Python traceback and a hint, without a restart loop",
    async () => {
      // A socket directory left by a host that died without cleaning up.
      const deadPid = spawnSync("true").pid;
      const stale = join(tmpdir(), `axon-${process.getuid?.()}`, `${pidNamespaceKey()}-${deadPid}-deadbeef`);
      mkdirSync(stale, { recursive: true });

      const started = Date.now();
      const error = await startAxon({
        bootecho: { module: "examples.agents.echo:agent" },
        bootbroken: { module: "examples.agents.crash_on_boot:agent" },
      }).catch((e) => e);
      expect(error).toBeInstanceOf(WorkerStartError);
      expect(error).toMatchObject({ code: "worker_start_failed", agent: "bootbroken", exitCode: 78 });
      expect(error.message).toContain("crash_on_boot");
      expect(error.pythonTraceback).toContain("RuntimeError: crash_on_boot");
      expect(error.stderr).toContain("crash_on_boot");
      expect(error.hint).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(SLOW_START_MS);
      // Nothing keeps trying, and the healthy sibling was stopped with it.
      expect(pgrep("bootbroken=")).toBe("");
      expect(pgrep("bootecho=")).toBe("");
      expect(spawnSync("test", ["-e", stale]).status).toBe(1);
    },
    STARTUP_TIMEOUT_MS,
  );

  it("says how to fix a missing Python", async () => {
    const error = await createAxon(
      {
        python: { executable: "/nonexistent/python3" },
        agents: { echo: { module: "examples.agents.echo:agent" } },
      },
      { logger: pino({ level: "silent" }) },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toContain("/nonexistent/python3 not found");
    expect(error.hint).toContain("python.executable");
  });

  it(
    "marks the agent failed when a restart cannot boot, then recovers after the backoff",
    async () => {
      const marker = join(mkdtempSync(join(tmpdir(), "axon-test-")), "fail");
      const axon = await createAxon(
        {
          python: { cwd: fixtures, env: { AXON_TEST_BOOT_MARKER: marker } },
          agents: { flaky: { module: "flaky_boot:agent" } },
          supervisor: { backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 } },
        },
        { logger: pino({ level: "silent" }) },
      );
      try {
        writeFileSync(marker, "");
        const failed = nextEvent(axon, "agent-failed");
        process.kill(pidOf(axon, "flaky") as number, "SIGKILL");
        const { error } = await failed;
        expect(error.message).toContain("flaky_boot: failing on purpose");
        expect(axon.status()[0]?.state).toBe("failed");
        await expect(axon.run("flaky", "hi")).rejects.toBeInstanceOf(AgentUnavailableError);
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

describe("a host killed with SIGKILL", () => {
  it(
    "leaves no Python worker alive 2 s later",
    async () => {
      const host = spawn(process.execPath, [join(fixtures, "host.mjs"), repoRoot], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const [line] = await createInterface({ input: host.stdout })
        [Symbol.asyncIterator]()
        .next()
        .then((r) => [r.value]);
      const pids = JSON.parse(line as string) as number[];
      expect(pids).toHaveLength(2);
      expect(pids.every(isAlive)).toBe(true);
      host.kill("SIGKILL");
      const killed = Date.now();
      // Measured rather than slept, so that a failure says how long the workers did take.
      await waitFor(() => !pids.some(isAlive), 30_000).catch(() => {});
      const goneAfterMs = Date.now() - killed;
      expect(pids.filter(isAlive), `workers still alive ${goneAfterMs} ms after the host died`).toEqual([]);
      expect(goneAfterMs, "ms until every worker of the killed host had exited").toBeLessThanOrEqual(2000);
    },
    STARTUP_TIMEOUT_MS,
  );
});
