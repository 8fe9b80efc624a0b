#!/usr/bin/env node
// The README's test command (`npm test`), also what .ci/run runs: every check and suite, in order,
// stopping at the first failure. Each step prints its name and time.
import { step } from "./lib/tools.mjs";

const steps = [
  ["generated code matches proto/", "node", ["scripts/gen-proto.mjs", "--check"]],
  ["lint + typecheck (biome, tsc, ruff, pyright)", "npm", ["run", "--silent", "lint"]],
  ["build (the CLI tests run the built bin)", "npm", ["run", "--silent", "build"]],
  // The generated types of the demo agents are what the agents generate now (needs the build).
  [
    "examples/axon-types.ts is fresh (axon types --check)",
    "node",
    ["packages/axon/bin/axon.js", "types", "--check", "--config", "examples/axon.config.ts"],
  ],
  ["python tests (pytest)", "npm", ["run", "--silent", "test:py"]],
  // Before vitest: its case of a worker in a user's environment boots from python/.venv-latest.
  ["python tests, newest versions + extras", "node", ["scripts/python-latest.mjs"]],
  ["typescript tests (vitest)", "npm", ["run", "--silent", "test:ts"]],
];

const only = process.argv.slice(2);
for (const [label, command, args] of steps) {
  if (only.length > 0 && !only.some((word) => label.includes(word))) continue;
  step(label, command, args, { tag: "axon test" });
}
