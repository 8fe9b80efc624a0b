#!/usr/bin/env node
// The project's own setup, run by `npm install` (postinstall). Idempotent and quick when
// nothing changed: finds or installs `uv` (from PyPI, into .tools/), syncs python/.venv
// from uv.lock, and builds the TypeScript package. Nothing is installed by hand.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensureUv, repoRoot, step } from "./lib/tools.mjs";

const uv = ensureUv();
step("python/.venv from uv.lock", uv, ["sync", "--frozen", "--project", join(repoRoot, "python")]);
if (existsSync(join(repoRoot, "packages/axon/tsconfig.build.json"))) {
  step("build packages/axon", "npm", ["run", "build", "--silent", "--workspace", "axon"]);
}
// The dashboard `axon serve` shows at `/` (Vite, bundled: no CDN at run time).
if (existsSync(join(repoRoot, "packages/dashboard/index.html"))) {
  step("build packages/dashboard", "npm", ["run", "build", "--silent", "--workspace", "axon-dashboard"]);
}
console.log("[axon setup] done");
