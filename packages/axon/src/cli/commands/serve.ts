import type { Axon } from "../../axon.js";
import { MAX_DELAY_MS } from "../../config/delay-ms.js";
import { checkApprovalKey } from "../../gateway/approval-signatures.js";
import { checkBindRule, createGateway, listenGateway } from "../../gateway/index.js";
import { runMetrics } from "../../telemetry/run-metrics.js";
import { DEFAULT_OTLP_ENDPOINT, type OtelHandle, otelWanted, startOtel } from "../../telemetry/start-otel.js";
import { type CliIo, UsageError, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";
import { startAxon } from "../start-axon.js";
import { watchStopSignals } from "../stop-signals.js";
import { showDemo } from "./demo.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string", default: "4000" },
  token: { type: "string" },
  insecure: { type: "boolean", default: false },
  cors: { type: "string", multiple: true },
  demo: { type: "boolean", default: false },
  grace: { type: "string" },
  "trust-client-history": { type: "boolean", default: false },
  otel: { type: "boolean", default: false },
} as const;

// Once the runs have ended, how long their last bytes (a stream's final event) may take to leave.
const FLUSH_MS = 5000;

/**
 * `axon serve`: the HTTP gateway and dashboard, until SIGTERM/SIGINT. The first signal drains:
 * new requests get 503, runs in flight may finish within the grace period (`--grace`, else the
 * config's `shutdownGraceMs`), then the rest are cut with `ShuttingDownError`; a second signal
 * cuts them at once. Either way the exit code is 0.
 */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, []);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  }
  const graceMs = values.grace === undefined ? undefined : Number(values.grace);
  if (graceMs !== undefined && (!/^\d+$/.test(values.grace ?? "") || graceMs > MAX_DELAY_MS)) {
    throw new UsageError(
      `--grace must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}, got '${values.grace}'`,
    );
  }
  const token = values.token ?? io.env.AXON_TOKEN;
  // Refuse an exposed bind or a short key, and find a taken port, before booting any worker, not after.
  checkBindRule({ host: values.host, token, insecure: values.insecure });
  const approvalKey = io.env.AXON_APPROVAL_KEY || undefined;
  if (approvalKey !== undefined) checkApprovalKey(approvalKey);
  const trustClientHistory = values["trust-client-history"];
  if (trustClientHistory) {
    writeLine(
      io.stderr,
      "axon: --trust-client-history: tool calls in a client's messageHistory run unchecked; never expose this server",
    );
  }
  // Before the workers start: they inherit these variables and export to the same collector.
  if (
    values.otel &&
    !process.env.OTEL_EXPORTER_OTLP_ENDPOINT &&
    !process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  )
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = DEFAULT_OTLP_ENDPOINT;
  const otel: OtelHandle | undefined = otelWanted(process.env) ? await startOtel() : undefined;
  if (otel) writeLine(io.stderr, `axon: OpenTelemetry: OTLP/HTTP export to ${otlpTarget()}`);
  const listening = await listenGateway({ host: values.host, port, token, insecure: values.insecure });
  const signals = watchStopSignals();
  let axon: Axon | undefined;
  // A second signal while the workers boot has nothing to drain: Node's default action (exit),
  // and the workers follow their parent (they exit when its pipe closes).
  void signals.second.then((signal) => {
    if (axon) return;
    signals.dispose();
    process.kill(process.pid, signal);
  });
  try {
    axon = await startAxon(values.config, io);
  } catch (error) {
    signals.dispose();
    await listening.close();
    await otel?.shutdown();
    throw error;
  }
  if (otel) axon.on("worker-restarted", (event) => runMetrics.countRestart(event.agent));
  // Open the store now: runs a dead gateway left are marked interrupted, its queued ones picked up.
  await axon.runs.recover().catch((error: unknown) => {
    writeLine(
      io.stderr,
      `axon: storage: ${error instanceof Error ? error.message : String(error)} (threads and stored runs fail until it opens)`,
    );
  });
  listening.attach(createGateway({ axon, token, corsOrigins: values.cors, trustClientHistory, approvalKey }));
  // The dashboard reads the token from the URL fragment (never sent to the server) and forgets it.
  const dashboard = token ? `${listening.url}/#token=${encodeURIComponent(token)}` : `${listening.url}/`;
  if (values.demo) await showDemo(axon, io);
  writeLine(io.stdout, `\naxon: dashboard at ${dashboard}  (API under ${listening.url}/v1, Ctrl-C to stop)`);

  await signals.first;
  const grace = graceMs === undefined ? "the grace period (shutdownGraceMs, default 30 s)" : `${graceMs} ms`;
  writeLine(
    io.stderr,
    `axon: stopping: runs in flight may finish within ${grace}; signal again to cut them now`,
  );
  listening.drain();
  const closed = axon.close({ graceMs });
  const running = axon;
  void signals.second.then(() => {
    writeLine(io.stderr, "axon: second signal: cutting the runs left");
    void running.close({ graceMs: 0 });
  });
  await closed;
  await listening.close({ lingerMs: FLUSH_MS });
  await otel?.shutdown();
  signals.dispose();
  writeLine(io.stderr, "axon: stopped");
  return 0;
}

function otlpTarget(): string {
  return (
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT ||
    DEFAULT_OTLP_ENDPOINT
  );
}
