import { join } from "node:path";
import type { AxonConfig } from "./config-schema.js";
import { findUp } from "./find-up.js";

/** Where a Python executable was found, for `axon doctor` and error hints. */
export interface PythonChoice {
  executable: string;
  source: "config.executable" | "config.venv" | "AXON_PYTHON" | "PYTHON_EXEC" | "venv" | "PATH";
}

export interface FindPythonOptions {
  /** `python.executable` from the config. Default: none. */
  executable?: string;
  /** `python.venv` from the config. Default: none. */
  venv?: string;
  /** Where the search for a project venv starts, walking upwards. Default: `process.cwd()`. */
  from?: string;
  /** The environment read for AXON_PYTHON / PYTHON_EXEC. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

// Searched in every directory from `from` up to the root: the uv project of this repo first,
// then a conventional top-level venv.
const VENV_CANDIDATES = ["python/.venv/bin/python", ".venv/bin/python"];

/** Picks the Python that runs the workers: config, then env, then the project venv, then `python3`. */
export function findPython(options: FindPythonOptions = {}): PythonChoice {
  const env = options.env ?? process.env;
  if (options.executable) return { executable: options.executable, source: "config.executable" };
  if (options.venv) return { executable: join(options.venv, "bin", "python"), source: "config.venv" };
  if (env.AXON_PYTHON) return { executable: env.AXON_PYTHON, source: "AXON_PYTHON" };
  if (env.PYTHON_EXEC) return { executable: env.PYTHON_EXEC, source: "PYTHON_EXEC" };
  const venv = findUp(options.from ?? process.cwd(), VENV_CANDIDATES);
  return venv ? { executable: venv, source: "venv" } : { executable: "python3", source: "PATH" };
}

/**
 * The Python of a loaded config. AXON_PYTHON / PYTHON_EXEC are read from `base` (the process
 * environment) with `python.env` added on top: `python.env` defaults to `{}`, so passing the config
 * section to `findPython` as it is would hide the process environment and ignore both variables.
 */
export function findConfiguredPython(
  python: Omit<AxonConfig["python"], "fork">,
  base: NodeJS.ProcessEnv = process.env,
): PythonChoice {
  const { executable, venv, cwd } = python;
  return findPython({ executable, venv, from: cwd, env: { ...base, ...python.env } });
}
