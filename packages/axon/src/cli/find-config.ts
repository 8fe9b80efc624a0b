import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { findConfigFile } from "../config/load-config.js";
import { ConfigError } from "../errors/host-errors.js";
import { packageRoot } from "../python-env/package-assets.js";

/**
 * Where the CLI takes its config from: `--config`, else `axon.config.*` in `cwd`, else the demo
 * config in the repository's `examples/` when this is Axon's own checkout.
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
  throw new ConfigError({
    message: `no axon.config.* in ${cwd}; run \`npx axon init\` to create a project here, or pass --config path/to/axon.config.ts`,
  });
}

// Only a checkout of Axon's own repository (this package at packages/axon) has the demo; an
// installed copy lives in node_modules and must never pick up a user's examples/ by accident.
function findDemoConfig(): string | undefined {
  if (basename(dirname(packageRoot)) !== "packages") return undefined;
  const demo = join(packageRoot, "..", "..", "examples", "axon.config.ts");
  return existsSync(demo) ? demo : undefined;
}
