import type { WorkerStatus } from "../../axon.js";
import { withCliAxon } from "../cli-axon.js";
import { type CliIo, writeLine } from "../io.js";
import { rowsOfAgent } from "../only-agent.js";
import { COMMON_OPTIONS, parseCommand, REMOTE_OPTIONS } from "../parse.js";
import { formatTable } from "../table.js";

const OPTIONS = { ...COMMON_OPTIONS, ...REMOTE_OPTIONS, json: { type: "boolean", default: false } } as const;

/**
 * `axon status [agent]`: every worker's state (or the named agent's). With `--url` (or
 * AXON_URL) it asks a running `axon serve`; otherwise it starts the configured tree (only the
 * named agent's workers), reports it once ready, and stops it.
 */
export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, ["agent?"]);
  const [only] = positionals;
  const all = await withCliAxon(values, io, only, async (axon) => axon.status());
  const workers = rowsOfAgent(all, (worker) => worker.agent, only);
  if (values.json) writeLine(io.stdout, JSON.stringify(workers, null, 2));
  else writeLine(io.stdout, formatStatus(workers));
  return 0;
}

export function formatStatus(workers: WorkerStatus[]): string {
  return formatTable(
    [
      "AGENT",
      "#",
      "STATE",
      "PID/ADDRESS",
      "STARTED",
      "TRANSPORT",
      "IN-FLIGHT",
      "QUEUED",
      "RESTARTS",
      "UPTIME",
    ],
    workers.map((w) => [
      w.agent,
      String(w.instance),
      w.state,
      // A remote worker has no pid here: its address says where it is.
      w.pid !== undefined ? String(w.pid) : w.kind === "remote" ? (w.address ?? "-") : "-",
      // Forked from its environment's template, spawned, or another machine's (docs/supervision.md).
      w.kind === "remote" ? "remote" : (w.startedBy ?? "-"),
      // What runs reach it by: local frames or gRPC (docs/worker-protocol.md); unknown until ready.
      w.transport ?? "-",
      String(w.inFlight),
      String(w.queued),
      String(w.restarts),
      `${(w.uptimeMs / 1000).toFixed(1)}s`,
    ]),
  );
}
