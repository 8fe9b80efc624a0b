// Shared helpers for the project's scripts: where the repo is, how to get `uv`, how to run a step.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

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

/**
 * The path of a runnable `uv`, found or installed by the package's own `findUv()` (AXON_UV, PATH,
 * Axon's tool cache, else from PyPI): the repository gets uv exactly as a user's project does.
 * Needs the package built (setup builds it first).
 */
export async function uvPath() {
  const module = join(repoRoot, "packages", "axon", "dist", "python-env", "find-uv.js");
  if (!existsSync(module)) {
    console.error("[axon] packages/axon is not built; run `npm install` first");
    process.exit(1);
  }
  const { findUv } = await import(pathToFileURL(module).href);
  return findUv({ onProgress: (line) => console.log(`[axon setup] ${line}`) }).executable;
}
