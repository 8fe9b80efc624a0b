/**
 * Messages a worker writes on its control fd, one JSON object per line (docs/worker-protocol.md).
 */
export type ControlMessage =
  | {
      type: "ready";
      address: string;
      pid: number;
      agents: string[];
      versions: Record<string, string>;
    }
  | {
      type: "log";
      level: string;
      logger: string;
      message: string;
      run_id?: string;
      agent?: string;
      time: number;
      exc?: string;
    }
  | { type: "fatal"; message: string; traceback?: string; hint?: string };

/** Parses one control line; undefined for anything that is not a known message (ignored, never fatal). */
export function parseControlMessage(line: string): ControlMessage | undefined {
  if (!line.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  return type === "ready" || type === "log" || type === "fatal" ? (value as ControlMessage) : undefined;
}

/** A Python log record as Axon re-emits it (the `log` event). */
export interface WorkerLogRecord {
  /** Python's level name: DEBUG, INFO, WARNING, ERROR, CRITICAL. */
  level: string;
  logger: string;
  message: string;
  agent: string;
  pid: number | undefined;
  runId: string | undefined;
  /** When the record was made, in ms since the epoch. */
  time: number;
  /** The formatted exception, when the record carried one. */
  exc?: string;
}
