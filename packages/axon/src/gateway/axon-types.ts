// The slice of the library's `Axon` the gateway drives: it depends on what it uses and
// nothing more, so an embedder can hand it any object with these methods.
import type { Axon, WorkerStatus } from "../index.js";

export type GatewayAxon = Pick<
  Axon,
  "run" | "stream" | "agents" | "status" | "restart" | "reload" | "cancel" | "on" | "off"
> &
  // Optional: an embedder's Axon-like object without threads still serves the rest.
  Partial<Pick<Axon, "threads" | "runs">>;

export type { AgentInfo } from "../agent-info.js";
export type { AxonEventName } from "../axon-events.js";
export type { WorkerStatus } from "../index.js";
export type { RunEvent, RunResult } from "../run/run-types.js";
export type { WorkerLogRecord as LogRecord } from "../worker/control-message.js";
export type WorkerState = WorkerStatus["state"];
