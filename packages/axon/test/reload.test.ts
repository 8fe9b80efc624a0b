// Rolling restarts (`axon.reload`): new processes replace an agent's workers one at a time, and
// no run or stream in flight fails; a module that does not import leaves the old workers serving.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/gateway/index.js";
import {
  type Axon,
  type AxonEvents,
  createAxon,
  isAxonError,
  WorkerStartError,
  type WorkerStatus,
} from "../src/index.js";
import { createLiveProject, type LiveProject, repoPython } from "./helpers/live-project.js";
import { fastSupervisor, SLOW_START_MS, STARTUP_TIMEOUT_MS } from "./helpers/start-axon.js";
import { liveWorkerPids } from "./helpers/worker-processes.js";

let project: LiveProject;
let axon: Axon;
const failed: AxonEvents["reload-failed"][] = [];

beforeAll(async () => {
  project = createLiveProject();
  axon = await createAxon(
    {
      // No .pyc: an edit within the same second as the last compile must not load stale bytecode.
      python: { cwd: project.dir, executable: repoPython, env: { PYTHONDONTWRITEBYTECODE: "1" } },
      supervisor: fastSupervisor,
      startTimeoutMs: SLOW_START_MS,
      agents: { live: { module: "live_agent:agent", instances: 2 } },
    },
    { logger: pino({ level: "silent" }) },
  );
  axon.on("reload-failed", (event) => failed.push(event));
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
  project?.remove();
});

const pids = () => axon.status().map((row) => row.pid);

/** Runs `live` back to back, `parallel` at a time, until `stop()`; resolves with every failure. */
function steadyRuns(parallel: number) {
  let running = true;
  const errors: unknown[] = [];
  let done = 0;
  const loops = Array.from({ length: parallel }, async (_, i) => {
    while (running) {
      try {
        await axon.run<string>("live", `ping ${i}`);
        done += 1;
      } catch (error) {
        errors.push(error);
      }
    }
  });
  return {
    done: () => done,
    async stop() {
      running = false;
      await Promise.all(loops);
      return errors;
    },
  };
}

async function streamText(prompt: string): Promise<{ chunks: string; output: string }> {
  let chunks = "";
  const stream = axon.stream<string>("live", prompt);
  for await (const event of stream) if (event.type === "text-delta") chunks += event.text;
  return { chunks, output: (await stream.result).output };
}

describe("axon.reload()", () => {
  it(
    "replaces every worker under a steady stream of runs and long streams, with no failed run and no stream cut",
    async () => {
      const before = pids();
      const runs = steadyRuns(4);
      const streams = [streamText("slow 25"), streamText("slow 30"), streamText("slow 35")];
      await new Promise((resolve) => setTimeout(resolve, 300));
      project.setVersion("v2");
      const [result] = await axon.reload("live");
      expect(result).toMatchObject({ agent: "live", workers: 2, mode: "rolling" });
      const errors = await runs.stop();
      expect(errors).toEqual([]);
      expect(runs.done()).toBeGreaterThan(10);
      // The streams began on the old code and finished there, every chunk delivered.
      for (const [i, { chunks, output }] of (await Promise.all(streams)).entries()) {
        const steps = [25, 30, 35][i] as number;
        expect(chunks).toBe(`${Array.from({ length: steps }, (_, s) => `${s} `).join("")}v1 slow ${steps}`);
        expect(output).toBe(chunks);
      }
      const after = pids();
      for (const pid of after) expect(before).not.toContain(pid);
      expect(axon.status().map((row) => row.state)).toEqual(["ready", "ready"]);
      expect(axon.status().every((row) => row.reload === undefined)).toBe(true);
      expect(liveWorkerPids()).toEqual([...after].sort((a, b) => (a ?? 0) - (b ?? 0)));
      expect((await axon.run<string>("live", "hi")).output).toBe("v2 hi");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "keeps the old workers serving when the edited module has a syntax error, and reports the traceback",
    async () => {
      const before = pids();
      project.breakSyntax();
      const error = await axon.reload("live").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerStartError);
      const traceback = (error as WorkerStartError).pythonTraceback ?? (error as WorkerStartError).stderr;
      expect(traceback).toContain("SyntaxError");
      expect(failed.at(-1)?.agent).toBe("live");
      const row = axon.status()[0];
      expect(row?.lastReloadError?.code).toBe("worker_start_failed");
      expect(row?.lastReloadError?.pythonTraceback ?? row?.lastReloadError?.message).toContain("SyntaxError");
      expect(pids()).toEqual(before);
      expect(liveWorkerPids()).toEqual([...before].sort((a, b) => (a ?? 0) - (b ?? 0)));
      expect((await axon.run<string>("live", "still")).output).toBe("v2 still");

      // Fixed: the next reload works and clears the error.
      project.setVersion("v3");
      await axon.reload("live");
      expect(axon.status()[0]?.lastReloadError).toBeUndefined();
      expect((await axon.run<string>("live", "fixed")).output).toBe("v3 fixed");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "coalesces concurrent reloads into one",
    async () => {
      const before = pids();
      project.setVersion("v4");
      const results = await Promise.all([axon.reload("live"), axon.reload("live"), axon.reload("live")]);
      expect(new Set(results.map(([r]) => r)).size).toBe(1);
      const after = pids();
      for (const pid of after) expect(before).not.toContain(pid);
      expect(liveWorkerPids()).toEqual([...after].sort((a, b) => (a ?? 0) - (b ?? 0)));
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "is POST /v1/agents/:name/reload over HTTP, whose failure is a 503 worker_start_failed and shows on the agent",
    async () => {
      const gateway = createGateway({ axon });
      try {
        project.setVersion("v5");
        const ok = await gateway.app.request("/v1/agents/live/reload", { method: "POST" });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toMatchObject({ reloaded: "live", workers: 2 });
        expect((await axon.run<string>("live", "http")).output).toBe("v5 http");

        project.breakSyntax();
        const broken = await gateway.app.request("/v1/agents/live/reload", { method: "POST" });
        expect(broken.status).toBe(503);
        expect(((await broken.json()) as { error: { code: string } }).error.code).toBe("worker_start_failed");
        const agent = (await (await gateway.app.request("/v1/agents/live")).json()) as {
          state: string;
          workers: WorkerStatus[];
        };
        expect(agent.state).toBe("ready");
        expect(
          agent.workers[0]?.lastReloadError?.pythonTraceback ?? agent.workers[0]?.lastReloadError?.message,
        ).toContain("SyntaxError");
        project.setVersion("v4");
        await axon.reload("live");
      } finally {
        gateway.close();
      }
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "is refused cleanly while a SIGTERM drain is under way",
    async () => {
      const long = axon.run<string>("live", "slow 10");
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closed = axon.close({ graceMs: 10_000 });
      const error = await axon.reload("live").catch((e: unknown) => e);
      expect(isAxonError(error) && error.code).toBe("agent_unavailable");
      expect((error as { shuttingDown?: boolean }).shuttingDown).toBe(true);
      expect((await long).output).toBe("v4 slow 10");
      await closed;
      expect(liveWorkerPids()).toEqual([]);
    },
    STARTUP_TIMEOUT_MS,
  );
});
