#!/usr/bin/env node
// The project's own setup, run by `npm install` (postinstall). Idempotent and quick when nothing
// changed: builds the TypeScript package (which knows how to find or install `uv`), syncs
// python/.venv from uv.lock, builds the worker wheel and the dashboard into the package's
// assets/ (what `npm pack` ships). Nothing is installed by hand.
import { join } from "node:path";
import { repoRoot, step, uvPath } from "./lib/tools.mjs";

step("build packages/axon", "npm", ["run", "build", "--silent", "--workspace", "packages/axon"]);
const uv = await uvPath();
// Use the machine's Python (>= 3.11); never let uv fetch an interpreter of its own, which the
// network here does not allow: better a clear "no suitable Python" than a hang.
// --compile-bytecode: where PYTHONDONTWRITEBYTECODE=1 (as here, and in many images) no .pyc is
// ever cached, and every worker start would compile pydantic-ai anew (~1 s of CPU per boot).
const python = process.env.AXON_PYTHON ?? "python3";
const uvEnv = { ...process.env, UV_PYTHON_DOWNLOADS: "never" };
step(
  "python/.venv from uv.lock",
  uv,
  ["sync", "--frozen", "--compile-bytecode", "--python", python, "--project", join(repoRoot, "python")],
  { env: uvEnv },
);
// The wheel `axon setup` installs into a user's project; it ships inside the npm package.
const wheelDir = join(repoRoot, "packages", "axon", "assets", "python");
step(
  "the worker wheel into packages/axon/assets/python",
  uv,
  [
    "build",
    "--wheel",
    "--quiet",
    "--clear",
    "--no-create-gitignore",
    "--out-dir",
    wheelDir,
    join(repoRoot, "python"),
  ],
  { env: uvEnv },
);
// The dashboard `axon serve` shows at `/` (Vite, bundled: no CDN at run time).
step("build packages/dashboard", "npm", ["run", "build", "--silent", "--workspace", "packages/dashboard"]);
console.log("[axon setup] done");
