import { pino } from "pino";
import { type Axon, createAxon } from "../axon.js";
import { loadConfig } from "../config/load-config.js";
import { ensurePythonEnv } from "./ensure-python-env.js";
import { findConfig } from "./find-config.js";
import { type CliIo, writeLine } from "./io.js";
import { onlyAgent } from "./only-agent.js";
import { createProgressPrinter } from "./progress.js";

export interface StartAxonOptions {
  /** Boot this agent's workers only (default: every agent of the config). */
  only?: string;
}

/**
 * Starts the tree from the CLI's config, printing start-up progress on stderr.
 * @throws AgentNotFoundError, before any worker starts, when `only` is not in the config.
 */
export async function startAxon(
  configFlag: string | undefined,
  io: CliIo,
  options: StartAxonOptions = {},
): Promise<Axon> {
  const { path, source } = findConfig(io.cwd, configFlag);
  if (source === "demo") writeLine(io.stderr, `axon: no axon.config.* here; using the demo config ${path}`);
  const loaded = await loadConfig(path);
  const config = options.only === undefined ? loaded : onlyAgent(loaded, options.only);
  await ensurePythonEnv(config, io);
  // createAxon validates an object config again, against a schema without `baseDir`; the paths
  // in it are absolute already (loadConfig resolved them against the config file's directory),
  // so they mean the same whatever process.cwd() is.
  const { baseDir: _resolvedAgainst, ...input } = config;
  // A failed run is reported once, as the command's error; the workers' own warnings about it
  // would repeat it as JSON on stderr. AXON_LOG_LEVEL=info (or debug) shows them.
  const logger = pino({ name: "axon", level: io.env.AXON_LOG_LEVEL ?? "error" }, pino.destination(2));
  return createAxon(input, { logger, onProgress: createProgressPrinter(io.stderr) });
}

/** Starts the tree, runs `body`, and always closes the tree again. */
export async function withAxon<R>(
  configFlag: string | undefined,
  io: CliIo,
  body: (axon: Axon) => Promise<R>,
): Promise<R> {
  const axon = await startAxon(configFlag, io);
  try {
    return await body(axon);
  } finally {
    await axon.close({ timeoutMs: 5_000 });
  }
}
