// Shared helpers for the project's scripts: where the repo is, how to find `uv`, how to run a step.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Runs one step with inherited stdio, printing what it does and how long it took; exits with the
 * step's code on failure. `options.tag` names the script in its lines (default `axon setup`).
 */
export function step(label, command, args, { tag = "axon setup", ...options } = {}) {
  const started = Date.now();
  console.log(`[${tag}] ${label} ...`);
  const result = spawnSync(command, args, { stdio: "inherit", cwd: repoRoot, ...options });
  if (result.status !== 0) {
    console.error(
      `[${tag}] FAILED: ${label} (${command} ${args.join(" ")}: exit ${result.status ?? result.signal})`,
    );
    process.exit(result.status ?? 1);
  }
  console.log(`[${tag}] ${label}: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function works(command) {
  return spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Returns a runnable `uv`. Prefers one on PATH; otherwise installs it from PyPI into a private
 * venv under .tools/ (never into the system Python, which may be externally managed).
 */
export function ensureUv() {
  if (works("uv")) return "uv";
  const local = join(repoRoot, ".tools", "uv", "bin", "uv");
  if (existsSync(local) && works(local)) return local;
  const python = process.env.AXON_PYTHON ?? "python3";
  step("uv from PyPI into .tools/uv", python, ["-m", "venv", join(repoRoot, ".tools", "uv")]);
  step("pip install uv", join(repoRoot, ".tools", "uv", "bin", "python"), [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "uv",
  ]);
  return local;
}
