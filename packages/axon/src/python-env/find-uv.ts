import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PythonSetupError } from "../errors/host-errors.js";
import { toolCacheDir } from "./tool-cache.js";

/** Where a `uv` came from, for `axon doctor` and progress lines. */
export interface UvChoice {
  executable: string;
  source: "AXON_UV" | "PATH" | "cache" | "installed";
}

export interface FindUvOptions {
  /** The environment read for AXON_UV, PATH and the cache location. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The Python that hosts a uv installed from PyPI. Default: AXON_PYTHON, else `python3`. */
  python?: string;
  /** Called before a slow step (the install from PyPI). Default: none. */
  onProgress?: (line: string) => void;
}

/**
 * Returns a runnable `uv`: `AXON_UV`, else one on PATH, else the one Axon installed earlier in its
 * tool cache, else installs it there from PyPI (a venv of its own, never the system Python, which
 * may be externally managed). A fresh machine needs nothing but Python and access to PyPI.
 * @throws PythonSetupError when no uv can be found or installed, with pip's output.
 */
export function findUv(options: FindUvOptions = {}): UvChoice {
  const env = options.env ?? process.env;
  if (env.AXON_UV) {
    if (!works(env.AXON_UV, env)) {
      throw new PythonSetupError({
        message: `AXON_UV=${env.AXON_UV} is not a runnable uv`,
        hint: "point AXON_UV at a uv executable, or unset it to let Axon install uv from PyPI",
      });
    }
    return { executable: env.AXON_UV, source: "AXON_UV" };
  }
  if (works("uv", env)) return { executable: "uv", source: "PATH" };
  const home = join(toolCacheDir(env), "uv");
  const cached = join(home, "bin", "uv");
  if (existsSync(cached) && works(cached, env)) return { executable: cached, source: "cache" };
  const python = options.python ?? env.AXON_PYTHON ?? "python3";
  options.onProgress?.(`installing uv from PyPI into ${home} (once per machine) ...`);
  run(python, ["-m", "venv", "--clear", home], env);
  run(
    join(home, "bin", "python"),
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "uv"],
    env,
  );
  if (!works(cached, env)) {
    throw new PythonSetupError({
      message: `installed uv into ${home}, but ${cached} does not run`,
      hint: "install uv yourself (pip install uv) and set AXON_UV to its path",
    });
  }
  return { executable: cached, source: "installed" };
}

function works(command: string, env: NodeJS.ProcessEnv): boolean {
  return spawnSync(command, ["--version"], { stdio: "ignore", env }).status === 0;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { encoding: "utf8", env });
  if (result.status === 0) return;
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() || String(result.error ?? "");
  throw new PythonSetupError({
    message: `cannot install uv: \`${command} ${args.join(" ")}\` failed (${result.status ?? result.error})`,
    stderr: output,
    hint: "check that python3 (>= 3.11) with venv and pip works and PyPI is reachable, or set AXON_UV to a uv executable",
  });
}
