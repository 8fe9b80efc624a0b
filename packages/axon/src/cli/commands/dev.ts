import { loadConfig } from "../../config/load-config.js";
import { createGateway, listenGateway } from "../../gateway/index.js";
import { startDevLoop } from "../dev/dev-loop.js";
import { findConfig } from "../find-config.js";
import { type CliIo, UsageError, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";
import { startAxon } from "../start-axon.js";
import { watchStopSignals } from "../stop-signals.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  port: { type: "string", default: "4000" },
  debounce: { type: "string", default: "150" },
} as const;

// On Ctrl-C, how long runs in flight may finish: development, not production (a second Ctrl-C cuts at once).
const DEV_GRACE_MS = 2000;

/**
 * `axon dev` (docs/dev.md): `axon serve` on loopback for development. It watches the Python sources
 * under the config's `python.cwd` and the config file, rolls the agents an edit concerns (a rolling
 * reload: no run lost) and applies a config edit live where it can, printing what changed, how long
 * it took and any error with its Python traceback, without exiting.
 */
export async function devCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, []);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  }
  const debounceMs = Number(values.debounce);
  if (!/^\d+$/.test(values.debounce) || debounceMs > 10_000) {
    throw new UsageError(
      `--debounce must be a whole number of milliseconds up to 10000, got '${values.debounce}'`,
    );
  }
  const { path } = findConfig(io.cwd, values.config);
  // Bytecode is cached by the source's mtime in whole seconds: an edit within the second of the
  // last import would load the stale .pyc. The workers inherit this (spawn-worker.ts).
  process.env.PYTHONDONTWRITEBYTECODE = "1";
  const listening = await listenGateway({ host: "127.0.0.1", port, insecure: false });
  const signals = watchStopSignals();
  let axon: Awaited<ReturnType<typeof startAxon>>;
  try {
    axon = await startAxon(values.config, io);
  } catch (error) {
    signals.dispose();
    await listening.close();
    throw error;
  }
  const config = await loadConfig(path);
  listening.attach(createGateway({ axon }));
  // Readable logs: the workers' Python records as lines, and workers that exit on their own.
  axon.on("log", (record) => {
    writeLine(
      io.stderr,
      `${record.agent}[${record.pid ?? "?"}] ${record.level} ${record.logger}: ${record.message}`,
    );
    if (record.exc) writeLine(io.stderr, record.exc.trimEnd());
  });
  axon.on("worker-exited", (exit) => {
    if (!exit.expected)
      writeLine(
        io.stderr,
        `axon dev: worker ${exit.agent}-${exit.instance} exited (${exit.signal ?? `code ${exit.exitCode}`})`,
      );
  });
  const loop = startDevLoop({ axon, config, configFile: path, io, debounceMs });
  writeLine(io.stdout, `\naxon dev: dashboard at ${listening.url}/  (API under ${listening.url}/v1)`);
  writeLine(io.stdout, `axon dev: watching ${config.python.cwd} (Python, specs) and ${path}; Ctrl-C to stop`);

  await signals.first;
  loop.close();
  listening.drain();
  const running = axon;
  void signals.second.then(() => void running.close({ graceMs: 0 }));
  await axon.close({ graceMs: DEV_GRACE_MS });
  await listening.close({ lingerMs: 1000 });
  signals.dispose();
  writeLine(io.stderr, "axon dev: stopped");
  return 0;
}
