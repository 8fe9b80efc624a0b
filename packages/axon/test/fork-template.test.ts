import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type Axon, createAxon } from "../src/index.js";
import { createLiveProject, repoPython } from "./helpers/live-project.js";
import {
  fastSupervisor,
  isAlive,
  nextEvent,
  pidOf,
  repoRoot,
  SLOW_START_MS,
  STARTUP_TIMEOUT_MS,
  waitFor,
} from "./helpers/start-axon.js";
import { liveTemplatePids, parentPid } from "./helpers/worker-processes.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
let axon: Axon | undefined;
afterEach(async () => {
  await axon?.close();
  axon = undefined;
});

/** Axon with a logger whose warnings the test reads. */
async function start(config: Parameters<typeof createAxon>[0] & object, warnings: string[] = []) {
  const logger = pino({ level: "warn" }, { write: (line: string) => warnings.push(line) });
  axon = await createAxon(
    { supervisor: fastSupervisor, startTimeoutMs: SLOW_START_MS, ...config },
    { logger },
  );
  return axon;
}

const echo = {
  python: { cwd: repoRoot },
  agents: { echo: { module: "examples.agents.echo:agent", instances: 2 } },
};

describe("workers forked from a template", () => {
  it(
    "are children of one template per Python environment, and serve runs",
    async () => {
      const axon = await start(echo);
      const [template] = liveTemplatePids();
      expect(template).toBeDefined();
      for (const row of axon.status()) {
        expect(row.startedBy).toBe("fork");
        expect(parentPid(row.pid as number)).toBe(template);
      }
      expect((await axon.run("echo", "hello fork")).output).toBe("hello fork");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "restart by forking again after a crash, the template reporting how the worker died",
    async () => {
      const axon = await start(echo);
      const killed = pidOf(axon, "echo") as number;
      const exited = nextEvent(axon, "worker-exited", (e) => e.pid === killed);
      const restarted = nextEvent(axon, "worker-started", (e) => e.instance === 0);
      process.kill(killed, "SIGKILL");
      expect((await exited).signal).toBe("SIGKILL");
      await restarted;
      const row = axon.status()[0];
      expect(row?.startedBy).toBe("fork");
      expect(row?.pid).not.toBe(killed);
      expect((await axon.run("echo", "after the crash")).output).toBe("after the crash");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "keep serving when the template dies, and the next restart starts a new template",
    async () => {
      const axon = await start(echo);
      const [template] = liveTemplatePids();
      process.kill(template as number, "SIGKILL");
      await waitFor(() => !isAlive(template));
      expect((await axon.run("echo", "still here")).output).toBe("still here");
      // Its exit is no longer reported by a template: Axon sees it all the same.
      const orphan = pidOf(axon, "echo") as number;
      const restarted = nextEvent(axon, "worker-started", (e) => e.instance === 0);
      process.kill(orphan, "SIGKILL");
      await restarted;
      const [second] = liveTemplatePids();
      expect(second).toBeDefined();
      expect(second).not.toBe(template);
      expect(parentPid(pidOf(axon, "echo") as number)).toBe(second);
      expect((await axon.run("echo", "forked again")).output).toBe("forked again");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "run the project's code as it is on disk after an edit, as a spawned worker would",
    async () => {
      const project = createLiveProject();
      try {
        const axon = await start({
          python: { cwd: project.dir, executable: repoPython },
          agents: { live: { module: "live_agent:agent" } },
        });
        expect((await axon.run("live", "hi")).output).toContain("v1");
        project.setVersion("v2");
        const restarted = nextEvent(axon, "worker-started");
        process.kill(pidOf(axon, "live") as number, "SIGKILL");
        await restarted;
        expect(axon.status()[0]?.startedBy).toBe("fork");
        expect((await axon.run("live", "hi")).output).toContain("v2");
      } finally {
        project.remove();
      }
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("workers that cannot be forked", () => {
  it(
    "are spawned when importing the agent starts a thread, saying so once",
    async () => {
      const warnings: string[] = [];
      const axon = await start(
        {
          python: { cwd: fixtures, executable: repoPython },
          agents: { threaded: { module: "thread_at_import:agent", instances: 2 } },
        },
        warnings,
      );
      expect(axon.status().map((row) => row.startedBy)).toEqual(["spawn", "spawn"]);
      const said = warnings.filter((line) => line.includes("spawned, not forked"));
      expect(said).toHaveLength(1);
      expect(said[0]).toContain("importing 'thread_at_import' started 1 thread(s) (sdk-poller)");
      expect((await axon.run("threaded", "hi")).output).toBe("spawned");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "are spawned when python.fork is false",
    async () => {
      const axon = await start({ ...echo, python: { cwd: repoRoot, fork: false } });
      expect(axon.status().map((row) => row.startedBy)).toEqual(["spawn", "spawn"]);
      expect(liveTemplatePids()).toEqual([]);
      expect((await axon.run("echo", "spawned")).output).toBe("spawned");
    },
    STARTUP_TIMEOUT_MS,
  );
});
