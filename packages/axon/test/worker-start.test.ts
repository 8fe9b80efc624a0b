import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { findConfiguredPython } from "../src/config/find-python.js";
import { type AxonConfigInput, createAxon, WorkerStartError } from "../src/index.js";
import { startError, startFailureReason } from "../src/worker/start-error.js";
import { createWorkerProcess } from "../src/worker/worker-process.js";
import { repoRoot, SLOW_START_MS, STARTUP_TIMEOUT_MS } from "./helpers/start-axon.js";

const silent = pino({ level: "silent" });
const venvPython = join(repoRoot, "python/.venv/bin/python");
const scratch = mkdtempSync(join(tmpdir(), "axon-worker-start-"));
const echo = { module: "examples.agents.echo:agent" };

/** An executable shell script standing in for Python (spawned directly, no shell in between). */
function script(name: string, body: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const start = (config: Partial<AxonConfigInput>) =>
  createAxon(
    { python: { cwd: repoRoot }, startTimeoutMs: SLOW_START_MS, agents: { echo }, ...config },
    { logger: silent },
  );

afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the workers' Python", () => {
  it("is the one AXON_PYTHON names, read from the process environment by createAxon", async () => {
    vi.stubEnv("AXON_PYTHON", "/nonexistent/axon-python");
    const error = await start({}).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toContain("/nonexistent/axon-python not found");
  });

  it(
    "runs the workers when AXON_PYTHON points at a wrapper of a venv's Python",
    async () => {
      const used = join(scratch, "wrapper-used");
      const wrapper = script("python-wrapper", `echo "$@" >> '${used}'\nexec '${venvPython}' "$@"`);
      vi.stubEnv("AXON_PYTHON", wrapper);
      const axon = await start({});
      try {
        expect((await axon.run("echo", "hi")).output).toContain("hi");
        expect(readFileSync(used, "utf8")).toContain("-m axon_worker");
      } finally {
        await axon.close();
      }
    },
    STARTUP_TIMEOUT_MS,
  );

  it("takes PYTHON_EXEC too, and lets python.env add to the process environment", () => {
    const python = { cwd: scratch, env: { PYTHON_EXEC: "/from/config" } };
    expect(findConfiguredPython(python, { PATH: "/bin" })).toEqual({
      executable: "/from/config",
      source: "PYTHON_EXEC",
    });
    expect(findConfiguredPython({ cwd: scratch, env: {} }, { AXON_PYTHON: "/from/env" })).toEqual({
      executable: "/from/env",
      source: "AXON_PYTHON",
    });
    // The config's own choice still comes first.
    expect(
      findConfiguredPython({ cwd: scratch, env: {}, executable: "/mine" }, { AXON_PYTHON: "/x" }).source,
    ).toBe("config.executable");
  });
});

describe("a worker that cannot be spawned", () => {
  it("rejects createAxon with WorkerStartError when the environment is too large for the kernel (E2BIG)", async () => {
    // Each variable passes the config's own limit; together they exceed ARG_MAX.
    const env = Object.fromEntries(
      Array.from({ length: 24 }, (_, i) => [`AXON_BIG_${i}`, "x".repeat(120_000)]),
    );
    const started = Date.now();
    const error = await start({ python: { cwd: repoRoot, env } }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toContain("environment is too large (E2BIG)");
    expect(error.hint).toContain("under 128 KiB");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("settles start() and stop() when spawn refuses a NUL byte the config did not catch", async () => {
    const worker = createWorkerProcess({
      id: "echo-0",
      python: venvPython,
      agent: "echo",
      module: echo.module,
      listen: "unix:/nonexistent/echo.sock",
      cwd: repoRoot,
      env: { A: "x\0y" },
      logger: silent,
    });
    const error = await worker.start().catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toContain("must be a string without null bytes");
    expect(error.hint).toContain("remove the NUL byte");
    expect(worker.state()).toBe("exited");
    await expect(worker.stop(100)).resolves.toEqual({ exitCode: null, signal: null });
  });
});

describe("a worker that fails to start says why", () => {
  it("quotes the end of its stderr and the fix in the message", async () => {
    const noisy = script(
      "noisy-python",
      'i=1; while [ $i -le 300 ]; do echo "noise line $i" >&2; i=$((i+1)); done\nexit 1',
    );
    const error = await start({ python: { cwd: repoRoot, executable: noisy } }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toContain("exited during start-up (exit code 1)");
    expect(error.message).toContain("stderr (last 12 lines):\n    noise line 289");
    expect(error.message).toContain("noise line 300\n  fix: ");
    expect(error.message).not.toContain("noise line 288\n");
    // The whole tail stays in `stderr`; the message stays short.
    expect(error.stderr).toContain("noise line 1\n");
    expect(error.message.length).toBeLessThan(1500);
  });

  it(
    "tells a Python without axon_worker to run `npx axon setup`",
    async () => {
      // -S: no site-packages, so the venv's axon_worker is not importable.
      const bare = script("bare-python", `exec '${venvPython}' -S "$@"`);
      const error = await start({ python: { cwd: repoRoot, executable: bare } }).catch((e) => e);
      expect(error).toBeInstanceOf(WorkerStartError);
      expect(error.message).toContain("No module named axon_worker");
      expect(error.hint).toBe(
        `the Python at ${bare} has no axon_worker; run \`npx axon setup\` (it creates the project's .venv and installs the worker), or point python.venv / python.executable / AXON_PYTHON at a venv that has it`,
      );
      expect(error.message).toContain(`fix: ${error.hint}`);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "carries the traceback of an agent module that raises on import",
    async () => {
      const error = await start({
        agents: { broken: { module: "examples.agents.crash_on_boot:agent" } },
      }).catch((e) => e);
      expect(error).toBeInstanceOf(WorkerStartError);
      expect(error.message).toContain("RuntimeError: crash_on_boot: this module fails at import, on purpose");
      expect(error.message).toContain("fix: ");
    },
    STARTUP_TIMEOUT_MS,
  );

  it("reports a missing python.cwd as a missing directory, not a missing Python", async () => {
    const cwd = join(scratch, "no-such-dir");
    const error = await start({ python: { cwd, executable: venvPython } }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toContain(`the working directory (python.cwd) ${cwd} does not exist`);
    expect(error.message).not.toContain("not found");
    expect(error.hint).toContain("python.cwd");
    expect(existsSync(cwd)).toBe(false);
  });

  it("gives a failed agent a one-line reason: what happened and the fix, without the stderr quote", () => {
    const error = startError({
      id: "echo-0",
      python: "/usr/bin/python3",
      agent: "echo",
      module: echo.module,
      listen: "unix:/x.sock",
      cwd: repoRoot,
      env: {},
      exit: { exitCode: 1, signal: null },
      stderr: "Traceback (most recent call last):\n/usr/bin/python3: No module named axon_worker",
    });
    expect(error.message.split("\n")).toHaveLength(5);
    expect(startFailureReason(error)).toBe(
      `worker echo-0 (${echo.module}) failed to start: exited during start-up (exit code 1); fix: ${error.hint}`,
    );
    expect(startFailureReason(new Error("one\ntwo"))).toBe("one");
  });
});
