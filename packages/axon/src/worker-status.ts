import type { AgentPool } from "./pool/agent-pool.js";
import type { ReloadErrorView } from "./supervisor/rolling-reload.js";
import type { StandbySlot } from "./supervisor/standby.js";
import type { ChildState, WorkerChild } from "./supervisor/worker-child.js";

/**
 * A serving slot's state, or `standby`: a warm spare, out of the pool until a worker crashes. A
 * remote member is `ready`, `unhealthy` (failing health checks: out of routing until it passes)
 * or, while its targets resolved to nothing yet, `connecting`.
 */
export type WorkerState = ChildState | "standby" | "unhealthy" | "connecting";

/** One worker, as `status()` reports it. */
export interface WorkerStatus {
  agent: string;
  instance: number;
  /** For a `standby` row, `address` is set once the spare is ready (undefined while it boots). */
  state: WorkerState;
  pid: number | undefined;
  inFlight: number;
  /** Runs waiting for any instance of this agent. */
  queued: number;
  restarts: number;
  /** Since the current process became ready; 0 when it is not ready. */
  uptimeMs: number;
  address: string | undefined;
  /** `local`: a process Axon started; `remote`: a worker elsewhere (docs/scale-out.md). */
  kind: "local" | "remote";
  /** How a ready local process was started: forked from its environment's template, or spawned (docs/supervision.md). */
  startedBy?: "fork" | "spawn";
  /** What the host's runs take to reach a ready worker: local frames or gRPC (remote workers always gRPC; docs/worker-protocol.md). */
  transport?: "frames" | "grpc";
  /** Health checks failed: a local slot's over its life, a remote member's since it joined. */
  healthCheckFailures: number;
  /**
   * During a rolling reload, the slot's second process: the new one `starting` (the row is the
   * old one, still serving) or the old one `draining` its runs (the row is the new one).
   */
  reload?: { state: "starting" | "draining"; pid: number | undefined };
  /** The agent's last failed reload (a local row only), until a reload succeeds. */
  lastReloadError?: ReloadErrorView;
}

export function workerStatus(
  child: WorkerChild,
  pool: AgentPool,
  lastReloadError?: ReloadErrorView,
): WorkerStatus {
  const lifecycle = child.lifecycle;
  const ready = lifecycle.state === "ready" ? lifecycle.ready : undefined;
  return {
    agent: child.agent,
    instance: child.instance,
    state: lifecycle.state,
    pid: "worker" in lifecycle ? lifecycle.worker?.pid : undefined,
    inFlight: pool.inFlight(child.memberId),
    queued: pool.queued(),
    restarts: child.restarts,
    healthCheckFailures: child.healthFailures,
    uptimeMs: ready ? Date.now() - ready.readyAt : 0,
    address: ready?.address,
    kind: "local",
    ...(ready && { startedBy: ready.startedBy, transport: ready.client.transport }),
    ...(child.replacing && {
      reload: { state: child.replacing.state, pid: child.replacing.worker.pid },
    }),
    ...(lastReloadError && { lastReloadError }),
  };
}

/** A spare's row: never in flight (it is no pool member), `restarts` = spares replaced after a crash. */
export function standbyStatus(slot: StandbySlot, pool: AgentPool): WorkerStatus {
  return {
    agent: slot.agent,
    instance: slot.instance,
    state: "standby",
    pid: slot.worker?.pid,
    inFlight: 0,
    queued: pool.queued(),
    restarts: slot.replaced,
    healthCheckFailures: 0,
    uptimeMs: slot.ready ? Date.now() - slot.ready.readyAt : 0,
    address: slot.ready?.address,
    kind: "local",
    ...(slot.ready && { startedBy: slot.ready.startedBy, transport: slot.ready.client.transport }),
  };
}

/**
 * An agent's remote members, numbered after its local rows; while none is known yet, one
 * `connecting` row per configured target, so the agent is never missing from `status()`.
 */
export function remoteStatus(
  agent: string,
  targets: readonly string[],
  pool: AgentPool,
  firstInstance: number,
): WorkerStatus[] {
  const members = pool.members().filter(({ member }) => member.endpoint.kind === "remote");
  const row = (instance: number, fields: Partial<WorkerStatus>): WorkerStatus => ({
    agent,
    instance: firstInstance + instance,
    state: "connecting",
    pid: undefined,
    inFlight: 0,
    queued: pool.queued(),
    restarts: 0,
    healthCheckFailures: 0,
    uptimeMs: 0,
    address: undefined,
    kind: "remote",
    ...fields,
  });
  if (members.length === 0) return targets.map((target, i) => row(i, { address: target }));
  return members.map(({ member, inFlight, healthy, since, healthFailures }, i) =>
    row(i, {
      healthCheckFailures: healthFailures,
      state: healthy ? "ready" : "unhealthy",
      inFlight,
      uptimeMs: healthy ? Date.now() - since : 0,
      address: member.endpoint.address,
      transport: "grpc",
    }),
  );
}
