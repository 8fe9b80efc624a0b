import type { AgentPool } from "./pool/agent-pool.js";
import type { ChildState, WorkerChild } from "./supervisor/worker-child.js";

/** One worker, as `status()` reports it. */
export interface WorkerStatus {
  agent: string;
  instance: number;
  state: ChildState;
  pid: number | undefined;
  inFlight: number;
  /** Runs waiting for any instance of this agent. */
  queued: number;
  restarts: number;
  /** Since the current process became ready; 0 when it is not ready. */
  uptimeMs: number;
  address: string | undefined;
}

export function workerStatus(child: WorkerChild, pool: AgentPool): WorkerStatus {
  const lifecycle = child.lifecycle;
  const ready = lifecycle.state === "ready" ? lifecycle.ready : undefined;
  return {
    agent: child.agent,
    instance: child.instance,
    state: lifecycle.state,
    pid: "worker" in lifecycle ? lifecycle.worker?.pid : undefined,
    inFlight: pool.inFlight(child.id),
    queued: pool.queued(),
    restarts: child.restarts,
    uptimeMs: ready ? Date.now() - ready.readyAt : 0,
    address: ready?.address,
  };
}
