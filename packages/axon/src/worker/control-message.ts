/**
 * The version of the worker protocol (control messages, command line, handshake) this host speaks.
 * A worker announces its own in `ready`; any other value, or none, fails the start. Bump it on
 * every change an older worker (or host) would misread. `PROTOCOL_VERSION` in
 * python/src/axon_worker/_control.py is the worker's copy; a test on each side keeps them equal.
 */
export const PROTOCOL_VERSION = 2;

/** The worker's announcement that it serves (docs/worker-protocol.md). */
export interface ReadyMessage {
  type: "ready";
  address: string;
  pid: number;
  agents: string[];
  versions: Record<string, string>;
  /** The worker's `PROTOCOL_VERSION`; undefined from workers older than the version check. */
  protocol: number | undefined;
  /** Its local frames socket, `unix:/...` (docs/worker-protocol.md, "Local frames"); absent on the network. */
  frames?: string;
}

/**
 * Messages a worker writes on its control fd, one JSON object per line (docs/worker-protocol.md).
 */
export type ControlMessage =
  | ReadyMessage
  | {
      type: "log";
      level: string;
      logger: string;
      message: string;
      run_id?: string;
      agent?: string;
      time: number;
      exc?: string;
      traceparent?: string;
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
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return checked(value as Record<string, unknown>);
}

// A line is only trusted as far as its shape is checked: the agent's own code runs in the worker
// and can write anything on the control fd, and a wrong-typed field must not throw in the host.
function checked(m: Record<string, unknown>): ControlMessage | undefined {
  const text = (field: unknown) => (typeof field === "string" ? field : undefined);
  switch (m.type) {
    case "ready":
      // A ready line without a usable address cannot be acted on; the real one may follow.
      if (typeof m.address !== "string" || m.address === "" || typeof m.pid !== "number") return undefined;
      return {
        ...(m as unknown as ReadyMessage),
        versions:
          typeof m.versions === "object" && m.versions !== null
            ? (m.versions as ReadyMessage["versions"])
            : {},
        protocol: Number.isInteger(m.protocol) ? (m.protocol as number) : undefined,
        frames: typeof m.frames === "string" && m.frames.startsWith("unix:") ? m.frames : undefined,
      };
    case "log":
      return {
        type: "log",
        level: text(m.level) ?? "INFO",
        logger: text(m.logger) ?? "",
        message: text(m.message) ?? JSON.stringify(m.message ?? ""),
        time: typeof m.time === "number" && Number.isFinite(m.time) ? m.time : Date.now() / 1000,
        ...(text(m.run_id) ? { run_id: text(m.run_id) } : {}),
        ...(text(m.agent) ? { agent: text(m.agent) } : {}),
        ...(text(m.exc) ? { exc: text(m.exc) } : {}),
        ...(text(m.traceparent) ? { traceparent: text(m.traceparent) } : {}),
      };
    case "fatal":
      return {
        type: "fatal",
        message: text(m.message) ?? "the worker reported a fatal error",
        traceback: text(m.traceback),
        hint: text(m.hint),
      };
    default:
      return undefined;
  }
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
  /** The W3C trace context of the run that logged it (the `traceparent` the host sent). */
  traceparent?: string;
}
