// The shapes /v1/events and /v1/agents send (see packages/axon/src/gateway/).

export interface AgentInfo {
  name: string;
  description: string;
  model: string;
  outputKind: string;
  tools: { name: string }[];
  /** Tools written in TypeScript the config gives the agent (absent from older gateways). */
  hostTools?: { name: string; needsApproval: boolean }[];
}

export interface WorkerStatus {
  agent: string;
  instance: number;
  state: "starting" | "ready" | "restarting" | "failed" | "stopped" | "standby" | "unhealthy" | "connecting";
  pid?: number | null;
  /** `remote`: a worker Axon does not spawn, known by its address (absent from older gateways). */
  kind?: "local" | "remote";
  address?: string | null;
  inFlight: number;
  queued: number;
  restarts: number;
  uptimeMs: number;
  /** During a rolling reload: the slot's second process (the new one booting, the old one draining). */
  reload?: { state: "starting" | "draining"; pid?: number | null };
  /** The agent's last failed reload, until one succeeds (a broken module: its traceback). */
  lastReloadError?: { code: string; message: string; pythonTraceback?: string; at: number };
}

export interface AgentStatus {
  name: string;
  state: string;
  workers: WorkerStatus[];
}

export interface StatusEvent {
  time: number;
  agents: AgentStatus[];
}

export interface LogEvent {
  level: string;
  logger?: string;
  message: string;
  agent?: string;
  pid?: number | null;
  runId?: string | null;
  time: number;
}

export interface WorkerEvent {
  type: string;
  agent?: string;
  instance?: number;
  pid?: number;
  exitCode?: number | null;
  signal?: string | null;
  restarts?: number;
  /** For `agent-failed`: why, as the API reports errors. */
  error?: { code: string; message: string };
  time: number;
}
