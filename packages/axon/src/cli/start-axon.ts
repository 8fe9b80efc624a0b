import { pino } from "pino";
import { type Axon, createAxon } from "../axon.js";
import { findConfig } from "./find-config.js";
import { type CliIo, writeLine } from "./io.js";
import { createProgressPrinter } from "./progress.js";

/** Starts the tree from the CLI's config, printing start-up progress on stderr. */
export async function startAxon(configFlag: string | undefined, io: CliIo): Promise<Axon> {
  const { path, source } = findConfig(io.cwd, configFlag);
  if (source === "demo") writeLine(io.stderr, `axon: no axon.config.* here; using the demo config ${path}`);
  // A failed run is reported once, as the command's error; the workers' own warnings about it
  // would repeat it as JSON on stderr. AXON_LOG_LEVEL=info (or debug) shows them.
  const logger = pino({ name: "axon", level: io.env.AXON_LOG_LEVEL ?? "error" }, pino.destination(2));
  return createAxon(path, { logger, onProgress: createProgressPrinter(io.stderr) });
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
