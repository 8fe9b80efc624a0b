// A user's project outside this repository, for the end-to-end test of the packed package:
// a temp directory, a PATH with only Node and Python on it (no uv, no axon, no venv), and a
// helper that runs a command there the way a user's shell would.
import { execFileSync, type SpawnOptions, spawn } from "node:child_process";
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Directories of the machine's `node` and `python3`, plus the system's own bin directories. */
export function minimalPath(): string {
  const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" });
  return [dirname(process.execPath), dirname(python.trim()), "/usr/bin", "/bin"].join(":");
}

/**
 * The user's environment: this process's (certificates, proxies, HOME with npm's and uv's caches)
 * with the PATH above, and without what running under npm in this repository added
 * (npm_* variables, INIT_CWD) or an activated venv.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^npm_/i.test(key) ||
      ["INIT_CWD", "VIRTUAL_ENV", "PYTHONPATH", "AXON_PYTHON", "PYTHON_EXEC", "AXON_UV"].includes(key)
    )
      continue;
    env[key] = value;
  }
  return {
    ...env,
    PATH: minimalPath(),
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  };
}

export function makeUserProject(): { root: string; project: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "axon-user-")));
  return { root, project: join(root, "my-agents") };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` to its end with no standard input; never throws on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs?: number },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
