import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { PythonSetupError } from "../errors/host-errors.js";
import { currentStamp, readStamp, sameStamp, writeStamp } from "./env-stamp.js";
import { findUv } from "./find-uv.js";
import { workerWheel } from "./package-assets.js";
import type { PythonEnvPlan } from "./plan-python-env.js";

type ManagedPlan = Extract<PythonEnvPlan, { kind: "managed" }>;

export interface SetupPythonEnvOptions {
  /** The environment uv and Python run with. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The interpreter a new venv is made from (never a downloaded one). Default: `python3`. */
  basePython?: string;
  /** Sync even when the venv's stamp says it is current. Default: false. */
  force?: boolean;
  /** One line per step, for stderr. Default: none. */
  onProgress?: (line: string) => void;
}

export interface SetupResult {
  /** False when the venv was already current and nothing ran. */
  synced: boolean;
  elapsedMs: number;
}

/** True when the managed venv is missing or was synced from other files than today's. */
export function isPythonEnvStale(plan: ManagedPlan): boolean {
  if (!existsSync(plan.python)) return true;
  return !sameStamp(readStamp(plan.venv), currentStamp(workerWheel(), plan.dependencyFiles));
}

/**
 * Creates (when missing) and syncs a project's managed venv with uv: the worker wheel shipped in
 * this package plus the user's own dependencies, in one resolution, so a conflict between them
 * is reported by uv's resolver instead of surfacing as an import error in a worker.
 * @throws PythonSetupError with uv's output and a fix.
 */
export async function setupPythonEnv(
  plan: ManagedPlan,
  options: SetupPythonEnvOptions = {},
): Promise<SetupResult> {
  const started = Date.now();
  const env = { ...(options.env ?? process.env), UV_PYTHON_DOWNLOADS: "never" };
  const progress = options.onProgress ?? (() => {});
  const wheel = workerWheel();
  const stamp = currentStamp(wheel, plan.dependencyFiles);
  if (!options.force && existsSync(plan.python) && sameStamp(readStamp(plan.venv), stamp)) {
    return { synced: false, elapsedMs: Date.now() - started };
  }
  const uv = findUv({ env, python: options.basePython, onProgress: progress }).executable;
  if (!existsSync(plan.python)) {
    const base = options.basePython ?? "python3";
    progress(`creating ${plan.venv} with ${base} ...`);
    await runUv(uv, ["venv", plan.venv, "--python", base], plan.projectDir, env, {
      hint: `make sure \`${base}\` is Python >= 3.11 (or pass --python to axon setup)`,
    });
  }
  const sources = plan.dependencyFiles.flatMap((file) => ["-r", file]);
  const named = plan.dependencyFiles.map((file) => file.slice(plan.projectDir.length + 1));
  progress(
    `installing the worker${named.length > 0 ? ` and ${named.join(" + ")}` : ""} into ${plan.venv} ...`,
  );
  await runUv(
    uv,
    // --reinstall-package: a rebuilt wheel keeps its version, so uv would otherwise keep the old files.
    // --compile-bytecode: where PYTHONDONTWRITEBYTECODE=1 every worker boot would recompile pydantic-ai.
    [
      "pip",
      "install",
      "--python",
      plan.python,
      "--compile-bytecode",
      "--reinstall-package",
      "axon-worker",
      wheel,
      ...sources,
    ],
    plan.projectDir,
    env,
    {
      hint: "fix the dependency uv names above in your pyproject.toml / requirements.txt, then run `npx axon setup`",
    },
  );
  writeStamp(plan.venv, stamp);
  return { synced: true, elapsedMs: Date.now() - started };
}

function runUv(
  uv: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  { hint }: { hint: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(uv, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64 * 1024);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) =>
      reject(new PythonSetupError({ message: `cannot run ${uv}: ${error.message}`, hint, cause: error })),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(
          new PythonSetupError({
            message: `\`uv ${args[0]} ${args[1] ?? ""}\` failed (${how})`,
            stderr: output,
            hint,
          }),
        );
      }
    });
  });
}
