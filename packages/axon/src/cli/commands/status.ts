import type { WorkerStatus } from "../../axon.js";
import { type CliIo, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";
import { withAxon } from "../start-axon.js";
import { formatTable } from "../table.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  json: { type: "boolean", default: false },
  url: { type: "string" },
  token: { type: "string" },
} as const;

/**
 * `axon status`: every worker's state. With `--url` (or AXON_URL) it asks a running
 * `axon serve`; otherwise it starts the configured tree, reports it once ready, and stops it.
 */
export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, []);
  const url = values.url ?? io.env.AXON_URL;
  const workers = url
    ? await fetchStatus(url, values.token ?? io.env.AXON_TOKEN)
    : await withAxon(values.config, io, async (axon) => axon.status());
  if (values.json) writeLine(io.stdout, JSON.stringify(workers, null, 2));
  else writeLine(io.stdout, formatStatus(workers));
  return 0;
}

export function formatStatus(workers: WorkerStatus[]): string {
  return formatTable(
    ["AGENT", "#", "STATE", "PID", "IN-FLIGHT", "QUEUED", "RESTARTS", "UPTIME"],
    workers.map((w) => [
      w.agent,
      String(w.instance),
      w.state,
      w.pid === undefined ? "-" : String(w.pid),
      String(w.inFlight),
      String(w.queued),
      String(w.restarts),
      `${(w.uptimeMs / 1000).toFixed(1)}s`,
    ]),
  );
}

async function fetchStatus(url: string, token: string | undefined): Promise<WorkerStatus[]> {
  const endpoint = new URL("/v1/agents", url);
  const response = await fetch(endpoint, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`GET ${endpoint} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { agents: { workers: WorkerStatus[] }[] };
  return body.agents.flatMap((agent) => agent.workers);
}
