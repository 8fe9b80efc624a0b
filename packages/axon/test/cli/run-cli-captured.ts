import { join } from "node:path";
import { runCli } from "../../src/cli/run-cli.js";

export const CLI_CONFIG = join(import.meta.dirname, "cli-config.json");
export const BROKEN_CONFIG = join(import.meta.dirname, "broken-config.json");

/** Runs the CLI in-process (real workers) and captures what it printed. */
export async function runCaptured(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    cwd: import.meta.dirname,
    env,
  });
  return { code, stdout, stderr };
}
