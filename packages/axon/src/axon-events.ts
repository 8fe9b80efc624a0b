import { EventEmitter } from "node:events";
import type { AxonError } from "./errors/axon-error.js";
import type { WorkerLogRecord } from "./worker/control-message.js";

/** Which worker an event is about. */
export interface WorkerRef {
  agent: string;
  /** 0-based instance number within the agent. */
  instance: number;
  pid: number | undefined;
}

/** Events of `axon.on(...)`, by name. */
export interface AxonEvents {
  /** A worker completed its handshake and takes runs. */
  "worker-started": WorkerRef & { address: string };
  /** A worker process ended; `expected` when Axon stopped it (close, restart of a sibling). */
  "worker-exited": WorkerRef & { exitCode: number | null; signal: NodeJS.Signals | null; expected: boolean };
  /** A worker was replaced by a new process after an exit (or `restart()`); `restarts` counts them. */
  "worker-restarted": WorkerRef & { restarts: number };
  /** An agent exceeded its restart intensity or failed to restart; its runs fail until `retryInMs` passed. */
  "agent-failed": { agent: string; error: AxonError; retryInMs: number };
  /** A rolling reload (`reload()`, `axon dev`) replaced the agent's `workers` with new processes. */
  "agent-reloaded": { agent: string; workers: number; durationMs: number; mode: "rolling" | "restart" };
  /**
   * A reload stopped: a new worker could not boot or import the agent (`error` is a
   * `WorkerStartError` with the Python traceback), or Axon closes. The old workers keep serving.
   */
  "reload-failed": { agent: string; error: AxonError; durationMs: number };
  /** A Python log record (INFO and above) from a worker. */
  log: WorkerLogRecord;
}

export type AxonEventName = keyof AxonEvents;
export type AxonListener<E extends AxonEventName> = (event: AxonEvents[E]) => void;

/** Start-up progress, for a CLI spinner: which workers are starting, and when all are ready. */
export type ProgressEvent =
  | { type: "worker-starting"; agent: string; instance: number }
  | { type: "worker-ready"; agent: string; instance: number; pid: number; elapsedMs: number }
  | { type: "ready"; elapsedMs: number };

/** A typed event emitter; a listener that throws is logged, never breaks the supervisor. */
export class AxonEventEmitter {
  readonly #emitter = new EventEmitter();
  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {
    // Dashboards and CLIs may all listen; the default cap of 10 is for leak detection only.
    this.#emitter.setMaxListeners(100);
  }
  on<E extends AxonEventName>(event: E, listener: AxonListener<E>): this {
    this.#emitter.on(event, listener);
    return this;
  }
  once<E extends AxonEventName>(event: E, listener: AxonListener<E>): this {
    this.#emitter.once(event, listener);
    return this;
  }
  off<E extends AxonEventName>(event: E, listener: AxonListener<E>): this {
    this.#emitter.off(event, listener);
    return this;
  }
  emit<E extends AxonEventName>(event: E, payload: AxonEvents[E]): void {
    for (const listener of this.#emitter.rawListeners(event)) {
      try {
        (listener as AxonListener<E>).call(this, payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
