import { spawnSync } from "node:child_process";
import { loadConfig } from "../../config/load-config.js";
import { PythonSetupError } from "../../errors/host-errors.js";
import { workerWheel } from "../../python-env/package-assets.js";
import { planPythonEnv } from "../../python-env/plan-python-env.js";
import { setupPythonEnv } from "../../python-env/setup-python-env.js";
import { findConfig } from "../find-config.js";
import { type CliIo, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  python: { type: "string" },
  force: { type: "boolean", default: false },
} as const;

/**
 * `axon setup`: makes the project's Python environment ready. A managed venv (`<python.cwd>/.venv`)
 * is created when missing and synced with uv from the worker wheel in this package plus the
 * project's pyproject.toml / requirements.txt; a Python the user named is only checked.
 */
export async function setupCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, []);
  const config = await loadConfig(findConfig(io.cwd, values.config).path);
  const plan = planPythonEnv(config, io.env);
  if (plan.kind === "user") {
    checkWorkerImports(plan.python, io.env);
    writeLine(io.stdout, `axon: using ${plan.python} (from ${plan.source}) as it is; it has axon_worker`);
    return 0;
  }
  const result = await setupPythonEnv(plan, {
    env: io.env,
    basePython: values.python,
    force: values.force,
    onProgress: (line) => writeLine(io.stderr, `axon: ${line}`),
  });
  const what = result.synced ? `ready in ${(result.elapsedMs / 1000).toFixed(1)} s` : "already up to date";
  writeLine(io.stdout, `axon: ${plan.venv} ${what}`);
  return 0;
}

/** A user's own Python is never changed, only asked whether it can run the worker. */
function checkWorkerImports(python: string, env: CliIo["env"]): void {
  const probe = spawnSync(python, ["-c", "import axon_worker"], {
    encoding: "utf8",
    env: env as NodeJS.ProcessEnv,
  });
  if (probe.status === 0) return;
  throw new PythonSetupError({
    message: `${python} cannot import axon_worker`,
    stderr: probe.stderr || String(probe.error ?? ""),
    hint: `install the worker into it (\`uv pip install --python ${python} ${workerWheel()}\`), or unset python.executable / python.venv / AXON_PYTHON to let Axon manage ./.venv`,
  });
}
