// Starting the bench's own Python processes (baselines) with the project's venv, and reading
// their memory. They run from the repo root so `examples.agents.*` imports as in a worker.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const venvPython = process.env.AXON_PYTHON ?? join(repoRoot, "python/.venv/bin/python");

/**
 * Spawns `python bench/<script> ...args` and resolves once it prints a line starting with READY.
 * stdin stays a pipe: the scripts exit when it closes, so none outlives the bench.
 * @returns {Promise<{ child }>}
 */
export function startPython(script, args = [], options = {}) {
  return spawnUntilReady(
    [join(repoRoot, "bench", script), ...args],
    (line) => line.startsWith("READY"),
    options,
  );
}

/**
 * Spawns a real worker, `python -m axon_worker --agent echo=<spec> --listen <address>`, without
 * Axon's host, and resolves on its ready control line (docs/worker-protocol.md). It too exits
 * when stdin closes.
 */
export function startWorker(agentSpec, listen, options = {}) {
  const args = ["-m", "axon_worker", "--agent", `echo=${agentSpec}`, "--listen", listen];
  return spawnUntilReady(args, (line) => line.startsWith("@@AXON@@ ") && line.includes('"ready"'), options);
}

function spawnUntilReady(args, isReady, { timeoutMs = 30_000 } = {}) {
  const what = args[0] === "-m" ? args[1] : args[0];
  const child = spawn(venvPython, args, {
    cwd: repoRoot,
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    const fail = (why) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${what}: ${why}\n${stderr}`));
    };
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      if (!isReady(line)) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      lines.close();
      // Keep draining stdout so a chatty process never blocks on a full pipe.
      child.stdout.resume();
      resolve({ child });
    });
  });
}

/** Closes stdin (the scripts' signal to exit), then SIGKILLs whatever is left after a moment. */
export async function stopPython(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.stdin.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}

/** A private directory (0700, from mkdtemp) for Unix sockets, and a function that removes it. */
export function socketDir() {
  const dir = mkdtempSync(join(tmpdir(), "axon-bench-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resident memory of a process in MiB (VmRSS in /proc/PID/status), or undefined if unreadable. */
export function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
