import type { Logger } from "pino";
import type { ControlMessage, WorkerLogRecord } from "./control-message.js";

/** A `log` control message as the public record: camelCase, time in ms, agent and pid filled in. */
export function toLogRecord(
  message: Extract<ControlMessage, { type: "log" }>,
  agent: string,
  pid: number | undefined,
): WorkerLogRecord {
  return {
    level: message.level,
    logger: message.logger,
    message: message.message,
    agent: message.agent ?? agent,
    pid,
    runId: message.run_id,
    // Python sends seconds since the epoch (`record.created`).
    time: Math.round((message.time ?? Date.now() / 1000) * 1000),
    ...(message.exc ? { exc: message.exc } : {}),
    ...(message.traceparent ? { traceparent: message.traceparent } : {}),
  };
}

/** Re-emits a Python record on the host's pino logger, at the matching level. */
export function logRecord(logger: Logger, record: WorkerLogRecord): void {
  logger[pinoLevel(record.level)](
    { logger: record.logger, runId: record.runId, traceparent: record.traceparent, exc: record.exc },
    record.message,
  );
}

function pinoLevel(level: string): "debug" | "info" | "warn" | "error" | "fatal" {
  switch (level.toUpperCase()) {
    case "DEBUG":
      return "debug";
    case "WARNING":
    case "WARN":
      return "warn";
    case "ERROR":
      return "error";
    case "CRITICAL":
      return "fatal";
    default:
      return "info";
  }
}
