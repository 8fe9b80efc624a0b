import type { AxonConfig } from "../config/config-schema.js";
import { planPythonEnv } from "../python-env/plan-python-env.js";
import { isPythonEnvStale, setupPythonEnv } from "../python-env/setup-python-env.js";
import { type CliIo, writeLine } from "./io.js";

/**
 * Before a command boots workers: when the project's managed venv is missing or was synced from
 * other files than today's (a new pyproject.toml, an upgraded axon-agents), runs `axon setup`'s
 * sync first, with its progress on stderr. A Python the user named is left alone.
 */
export async function ensurePythonEnv(config: AxonConfig, io: CliIo): Promise<void> {
  // A gateway whose agents are all served by remote workers runs no Python here (its image may
  // have none at all).
  if (Object.values(config.agents).every((agent) => !agent.module && !agent.spec)) return;
  const plan = planPythonEnv(config, { ...process.env, ...io.env });
  if (plan.kind !== "managed" || !isPythonEnvStale(plan)) return;
  writeLine(
    io.stderr,
    `axon: ${plan.venv} is missing or out of date; syncing it (what \`npx axon setup\` does) ...`,
  );
  const { elapsedMs } = await setupPythonEnv(plan, {
    env: { ...process.env, ...io.env },
    onProgress: (line) => writeLine(io.stderr, `axon: ${line}`),
  });
  writeLine(io.stderr, `axon: ${plan.venv} ready in ${(elapsedMs / 1000).toFixed(1)} s`);
}
