import type { AgentConfig } from "../config/config-schema.js";
import type { WorkerCommand } from "../worker/spawn-worker.js";
import type { ReadyWorker, WorkerProcess } from "../worker/worker-process.js";

/**
 * A child slot of the supervisor: one instance of one agent. The slot outlives its processes;
 * each (re)start puts a new `WorkerProcess` in it.
 */
export type ChildLifecycle =
  | { state: "starting"; worker: WorkerProcess }
  | { state: "ready"; worker: WorkerProcess; ready: ReadyWorker }
  | { state: "restarting"; worker?: WorkerProcess }
  | { state: "failed" }
  | { state: "stopped" };

export type ChildState = ChildLifecycle["state"];

export interface WorkerChild {
  /** `agent-instance`, e.g. `echo-0`. */
  readonly id: string;
  readonly agent: string;
  readonly instance: number;
  readonly config: AgentConfig;
  readonly command: WorkerCommand;
  lifecycle: ChildLifecycle;
  /** Processes started after the first one. */
  restarts: number;
  /** Workers Axon is stopping on purpose; their exit is not a crash. */
  readonly stopping: WeakSet<WorkerProcess>;
}

export function createWorkerChild(
  agent: string,
  instance: number,
  config: AgentConfig,
  command: WorkerCommand,
): WorkerChild {
  return {
    id: `${agent}-${instance}`,
    agent,
    instance,
    config,
    command,
    lifecycle: { state: "stopped" },
    restarts: 0,
    stopping: new WeakSet(),
  };
}

/** The child's current process, whatever its state. */
export function currentWorker(child: WorkerChild): WorkerProcess | undefined {
  return "worker" in child.lifecycle ? child.lifecycle.worker : undefined;
}
