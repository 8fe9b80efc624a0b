#!/usr/bin/env node
// The README's test command (`npm test`), also what .ci/run runs: every check and suite, in order,
// stopping at the first failure. Each step prints its name and time.
import { spawnSync } from "node:child_process";
import { repoRoot } from "./lib/tools.mjs";

const steps = [
  ["generated code matches proto/", "node", ["scripts/gen-proto.mjs", "--check"]],
  ["lint + typecheck (biome, tsc, ruff, pyright)", "npm", ["run", "--silent", "lint"]],
  ["build (the CLI tests run the built bin)", "npm", ["run", "--silent", "build"]],
  ["python tests (pytest)", "npm", ["run", "--silent", "test:py"]],
  ["typescript tests (vitest)", "npm", ["run", "--silent", "test:ts"]],
];

const only = process.argv.slice(2);
for (const [label, command, args] of steps) {
  if (only.length > 0 && !only.some((word) => label.includes(word))) continue;
  const started = Date.now();
  console.log(`\n=== ${label}`);
  const result = spawnSync(command, args, { stdio: "inherit", cwd: repoRoot });
  if (result.status !== 0) {
    console.error(`\n=== FAILED: ${label} (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`=== ok: ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
