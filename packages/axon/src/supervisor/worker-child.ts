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
  /** Replaced by a live config change (`axon dev`); a new command takes effect at the next boot. */
  config: AgentConfig;
  command: WorkerCommand;
  lifecycle: ChildLifecycle;
  /** Processes started after the first one. */
  restarts: number;
  /** Health checks its workers failed, over the slot's life (`axon_worker_health_check_failures_total`). */
  healthFailures: number;
  /** Workers Axon is stopping on purpose; their exit is not a crash. */
  readonly stopping: WeakSet<WorkerProcess>;
  /**
   * The id of its current process in the agent's pool: the child's `id` for the first one, a new
   * one for each rolling reload, because the old process stays a member (out of routing, its runs
   * in flight counted) until they have ended (docs/supervision.md).
   */
  memberId: string;
  /** Processes booted in this slot, for a fresh socket per boot (the old one may still drain). */
  boots: number;
  /** A rolling reload's second process in this slot: the new one booting, or the old one draining. */
  replacing: { state: "starting" | "draining"; worker: WorkerProcess } | undefined;
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
    healthFailures: 0,
    stopping: new WeakSet(),
    memberId: `${agent}-${instance}`,
    boots: 0,
    replacing: undefined,
  };
}

/** The child's current process, whatever its state. */
export function currentWorker(child: WorkerChild): WorkerProcess | undefined {
  return "worker" in child.lifecycle ? child.lifecycle.worker : undefined;
}
