// One state per agent from its workers' states, for /healthz, /v1/agents and the dashboard.
import type { WorkerState, WorkerStatus } from "./axon-types.js";

/** `ready` when every worker is, `degraded` when some are (runs still served), else the worst. */
export type AgentState = "ready" | "degraded" | Exclude<WorkerState, "ready" | "standby">;

const worstFirst: Exclude<WorkerState, "ready" | "standby">[] = [
  "failed",
  "unhealthy",
  "connecting",
  "restarting",
  "starting",
  "stopped",
];

export function agentState(all: WorkerStatus[]): AgentState {
  // Spares serve nothing until promoted: a booting or missing spare does not degrade the agent.
  const workers = all.filter((w) => w.state !== "standby");
  const ready = workers.filter((w) => w.state === "ready").length;
  if (workers.length > 0 && ready === workers.length) return "ready";
  if (ready > 0) return "degraded";
  for (const state of worstFirst) if (workers.some((w) => w.state === state)) return state as AgentState;
  return "stopped";
}

/** Workers grouped by agent, in the order `status()` lists them. */
export function workersByAgent(workers: WorkerStatus[]): Map<string, WorkerStatus[]> {
  const byAgent = new Map<string, WorkerStatus[]>();
  for (const worker of workers) {
    const list = byAgent.get(worker.agent) ?? [];
    list.push(worker);
    byAgent.set(worker.agent, list);
  }
  return byAgent;
}

export interface AgentStatusView {
  name: string;
  state: AgentState;
  workers: WorkerStatus[];
}

export function statusView(workers: WorkerStatus[]): AgentStatusView[] {
  return [...workersByAgent(workers)].map(([name, list]) => ({
    name,
    state: agentState(list),
    workers: list,
  }));
}
