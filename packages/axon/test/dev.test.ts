// `axon dev`'s loop: an edit of an agent's Python rolls its workers; an edit of the config file
// applies instances, concurrency and new or removed agents live, and says what needs a restart.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevLoop, startDevLoop } from "../src/cli/dev/dev-loop.js";
import { loadConfig } from "../src/config/load-config.js";
import { type Axon, createAxon } from "../src/index.js";
import { createLiveProject, type LiveProject, repoPython } from "./helpers/live-project.js";
import { STARTUP_TIMEOUT_MS, waitFor } from "./helpers/start-axon.js";
import { liveWorkerPids } from "./helpers/worker-processes.js";

const DEBOUNCE_MS = 150;

let project: LiveProject;
let configFile: string;
let axon: Axon;
let loop: DevLoop;
let out = "";

const config = (agents: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  python: { cwd: ".", executable: repoPython, env: { PYTHONDONTWRITEBYTECODE: "1" } },
  startTimeoutMs: 120_000,
  ...extra,
  agents,
});

beforeAll(async () => {
  project = createLiveProject();
  configFile = join(project.dir, "axon.config.json");
  writeFileSync(configFile, JSON.stringify(config({ live: { module: "live_agent:agent" } })));
  axon = await createAxon(configFile, { logger: pino({ level: "silent" }) });
  const write = (chunk: string) => {
    out += chunk;
  };
  loop = startDevLoop({
    axon,
    config: await loadConfig(configFile),
    configFile,
    io: { stdout: { write }, stderr: { write }, cwd: project.dir, env: {} },
    debounceMs: DEBOUNCE_MS,
  });
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  loop?.close();
  await axon?.close();
  project?.remove();
});

describe("axon dev", () => {
  it(
    "picks up an edit of the agent's module within a second of the debounce and rolls its worker",
    async () => {
      const before = axon.status()[0]?.pid;
      const edited = Date.now();
      project.setVersion("v2");
      await waitFor(() => out.includes("changed live_agent.py; reloading live"), DEBOUNCE_MS + 1000);
      expect(Date.now() - edited).toBeLessThan(DEBOUNCE_MS + 1000);
      await waitFor(() => out.includes("reloaded live (1 worker(s))"));
      expect(axon.status()[0]?.pid).not.toBe(before);
      expect((await axon.run<string>("live", "hi")).output).toBe("v2 hi");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "prints a syntax error's traceback and keeps serving",
    async () => {
      project.breakSyntax();
      await waitFor(() => out.includes("SyntaxError"));
      expect(out).toContain("reload of live failed");
      expect((await axon.run<string>("live", "still")).output).toBe("v2 still");
      project.setVersion("v2");
      await waitFor(() => out.split("reloaded live").length > 2);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "applies a config edit of instances and maxConcurrency live, and names what needs a restart",
    async () => {
      out = "";
      writeFileSync(
        configFile,
        JSON.stringify(
          config(
            { live: { module: "live_agent:agent", instances: 2, maxConcurrency: 8 } },
            { shutdownGraceMs: 5000 },
          ),
        ),
      );
      await waitFor(() => out.includes("applied in"));
      expect(out).toContain("live: instances 1 → 2");
      expect(out).toContain("live: maxConcurrency 64 → 8");
      expect(out).toContain("needs a restart of axon dev to apply: shutdownGraceMs");
      expect(axon.status().map((row) => row.state)).toEqual(["ready", "ready"]);
      expect(liveWorkerPids()).toHaveLength(2);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "adds and removes agents live",
    async () => {
      out = "";
      const agents = { live: { module: "live_agent:agent" }, other: { module: "live_agent:agent" } };
      writeFileSync(configFile, JSON.stringify(config(agents, { shutdownGraceMs: 5000 })));
      await waitFor(() => out.includes("applied in"));
      expect(out).toContain("added agent other");
      expect(out).toContain("live: instances 2 → 1");
      expect(axon.status().map((row) => `${row.agent}-${row.instance}`)).toEqual(["live-0", "other-0"]);
      expect((await axon.run<string>("other", "new")).output).toBe("v2 new");

      out = "";
      writeFileSync(configFile, JSON.stringify(config({ live: agents.live }, { shutdownGraceMs: 5000 })));
      await waitFor(() => out.includes("applied in"));
      expect(out).toContain("removed agent other");
      expect(axon.status().map((row) => row.agent)).toEqual(["live"]);
      expect(liveWorkerPids()).toHaveLength(1);
      await expect(axon.run("other", "gone")).rejects.toMatchObject({ code: "agent_not_found" });
    },
    STARTUP_TIMEOUT_MS,
  );
});
