import type { Readable } from "node:stream";
import type { Logger } from "pino";
import type { WorkerCommand } from "./spawn-worker.js";

/** How a worker process ended. */
export interface ExitInfo {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A running worker process, however it was started: spawned from scratch, or forked from a
 * template that has pydantic-ai and the agent imported already (fork-template.ts). Its stdout,
 * stderr and control channel are the same streams either way; only how its exit is learnt differs.
 */
export interface LaunchedWorker {
  readonly pid: number;
  readonly startedBy: "spawn" | "fork";
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The control channel (docs/worker-protocol.md): ready, log and fatal lines. */
  readonly control: Readable;
  /** Signals the process; nothing once it has exited. */
  kill(signal: NodeJS.Signals): void;
  /** Resolves once, when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Resolves after `exited`, once its output streams have ended too. */
  readonly closed: Promise<void>;
}

/** Starts worker processes. Rejects (no process) when none could be started. */
export interface WorkerLauncher {
  launch(command: WorkerCommand, logger: Logger): Promise<LaunchedWorker>;
  /** The code of `command`'s agent changed (a reload): later launches must not reuse what was imported. */
  renew(command: WorkerCommand): void;
  /** Stops what the launcher keeps running (templates); launched workers are not its to stop. */
  close(): void;
}
