#!/usr/bin/env node
// The project's own setup, run by `npm install` (postinstall). Idempotent and quick when
// nothing changed: finds or installs `uv` (from PyPI, into .tools/), syncs python/.venv
// from uv.lock, and builds the TypeScript package. Nothing is installed by hand.
import { join } from "node:path";
import { ensureUv, repoRoot, step } from "./lib/tools.mjs";

const uv = ensureUv();
// Use the machine's Python (>= 3.11); never let uv fetch an interpreter of its own, which the
// network here does not allow: better a clear "no suitable Python" than a hang.
// --compile-bytecode: where PYTHONDONTWRITEBYTECODE=1 (as here, and in many images) no .pyc is
// ever cached, and every worker start would compile pydantic-ai anew (~1 s of CPU per boot).
const python = process.env.AXON_PYTHON ?? "python3";
step(
  "python/.venv from uv.lock",
  uv,
  ["sync", "--frozen", "--compile-bytecode", "--python", python, "--project", join(repoRoot, "python")],
  {
    env: { ...process.env, UV_PYTHON_DOWNLOADS: "never" },
  },
);
step("build packages/axon", "npm", ["run", "build", "--silent", "--workspace", "axon"]);
// The dashboard `axon serve` shows at `/` (Vite, bundled: no CDN at run time).
step("build packages/dashboard", "npm", ["run", "build", "--silent", "--workspace", "axon-dashboard"]);
console.log("[axon setup] done");
