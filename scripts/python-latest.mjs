#!/usr/bin/env node
// The worker's tests again, in python/.venv-latest: the newest versions pyproject.toml allows plus
// the extras a user's project commonly has (httpx, logfire, the openai/anthropic/google providers).
// python/.venv is the lockfile's world; this is the user's, where import-time work that depends on
// an optional package (a TypeAdapter over pydantic-ai's ModelSettings with httpx present) breaks.
import { join } from "node:path";
import { repoRoot, step, uvPath } from "./lib/tools.mjs";

const tag = "axon test";
const uv = await uvPath();
const project = join(repoRoot, "python");
const venv = join(project, ".venv-latest");
const python = join(venv, "bin", "python");
// As in setup.mjs: the machine's Python, never an interpreter uv would download.
const env = { ...process.env, UV_PYTHON_DOWNLOADS: "never" };
const base = process.env.AXON_PYTHON ?? "python3";
step("python/.venv-latest", uv, ["venv", "--quiet", "--allow-existing", "--python", base, venv], {
  env,
  tag,
});
const install = ["pip", "install", "--quiet", "--python", python, "--resolution", "highest", "--upgrade"];
const worker = ["--compile-bytecode", "-e", project, "--group", join(project, "pyproject.toml:dev")];
const extras = ["httpx", "logfire", "pydantic-ai-slim[openai,anthropic,google]"];
step("the worker, newest versions + common extras", uv, [...install, ...worker, ...extras], { env, tag });
// All but the process-supervision suites (lifecycle, faults, cancellation): they test signals and
// exits, not packages, and would double this step's time.
const skip = ["test_lifecycle.py", "test_faults.py", "test_cancellation.py"].map(
  (file) => `--ignore=tests/${file}`,
);
step("pytest in python/.venv-latest", python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", ...skip], {
  cwd: project,
  env,
  tag,
});
