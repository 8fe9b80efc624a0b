import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findUp } from "../config/find-up.js";
import { findConfigFile } from "../config/load-config.js";

/**
 * Where the CLI takes its config from: `--config`, else `axon.config.*` in `cwd`, else the demo
 * config in the repository's `examples/` (found by walking up from this file, so it works from
 * `src/` under vitest and from `dist/` once built).
 */
export function findConfig(
  cwd: string,
  explicit?: string,
): { path: string; source: "flag" | "cwd" | "demo" } {
  if (explicit) return { path: resolve(cwd, explicit), source: "flag" };
  const local = findConfigFile(cwd);
  if (local) return { path: local, source: "cwd" };
  const demo = findDemoConfig();
  if (demo) return { path: demo, source: "demo" };
  throw new Error(
    `no axon.config.* in ${cwd} and no demo config found; pass --config path/to/axon.config.ts`,
  );
}

function findDemoConfig(): string | undefined {
  return findUp(dirname(fileURLToPath(import.meta.url)), ["examples/axon.config.ts"]);
}
