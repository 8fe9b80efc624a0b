import { AxonError, type AxonErrorOptions } from "./axon-error.js";

/** The configuration is invalid; `field` is its path, e.g. `agents.echo.instances`. */
export class ConfigError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("config_error", options);
  }
}

/** A run named an agent the configuration does not have. Raised before any worker call. */
export class AgentNotFoundError extends AxonError {
  readonly knownAgents: string[];
  constructor(options: AxonErrorOptions & { knownAgents: string[] }) {
    super("agent_not_found", options);
    this.knownAgents = options.knownAgents;
  }
  protected override extraJSON(): Record<string, unknown> {
    return { knownAgents: this.knownAgents };
  }
}

/** A worker did not become ready: it exited, announced `fatal`, or timed out. */
export class WorkerStartError extends AxonError {
  /** The last part of the worker's stderr (tracebacks of import errors land here). */
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** How to fix it, in one sentence. */
  readonly hint: string;
  constructor(
    options: AxonErrorOptions & {
      stderr: string;
      exitCode?: number | null;
      signal?: NodeJS.Signals | null;
      timedOut?: boolean;
      hint: string;
    },
  ) {
    super("worker_start_failed", options);
    this.stderr = options.stderr;
    this.exitCode = options.exitCode ?? null;
    this.signal = options.signal ?? null;
    this.timedOut = options.timedOut ?? false;
    this.hint = options.hint;
  }
  protected override extraJSON(): Record<string, unknown> {
    return { stderr: this.stderr, exitCode: this.exitCode, signal: this.signal, hint: this.hint };
  }
}

/**
 * The project's Python environment could not be made ready: no uv, no suitable Python, or the
 * user's dependencies do not install. Raised by `axon setup` (and the CLI's automatic setup).
 */
export class PythonSetupError extends AxonError {
  /** What the failing tool printed (uv's resolver explains conflicts here). */
  readonly stderr: string;
  /** How to fix it, in one sentence. */
  readonly hint: string;
  constructor(options: AxonErrorOptions & { stderr?: string; hint: string }) {
    // The CLI prints only `code: message`, so the message carries the fix and the tool's last words.
    const tail = (options.stderr ?? "").trim().split("\n").slice(-12).join("\n  ");
    const message = `${options.message}${tail ? `\n  ${tail}` : ""}\n  fix: ${options.hint}`;
    super("python_setup_failed", { ...options, message });
    this.stderr = options.stderr ?? "";
    this.hint = options.hint;
  }
  protected override extraJSON(): Record<string, unknown> {
    return { stderr: this.stderr, hint: this.hint };
  }
}

/** The worker serving a run died (or its connection dropped) before the run ended. */
export class WorkerCrashedError extends AxonError {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /**
   * The run had crashed a worker before (its retry crashed one again), so it was not retried
   * and is not retryable: the crash barrier of docs/errors.md. Default: false.
   */
  readonly crashBarrier: boolean;
  constructor(
    options: AxonErrorOptions & {
      exitCode?: number | null;
      signal?: NodeJS.Signals | null;
      crashBarrier?: boolean;
    },
  ) {
    // Retryable: the request itself was fine, another instance (or the restarted one) may serve it.
    super("worker_crashed", { retryable: true, ...options });
    this.exitCode = options.exitCode ?? null;
    this.signal = options.signal ?? null;
    this.crashBarrier = options.crashBarrier ?? false;
  }
  protected override extraJSON(): Record<string, unknown> {
    const barrier = this.crashBarrier ? { crashBarrier: true } : {};
    return { exitCode: this.exitCode, signal: this.signal, ...barrier };
  }
}

/**
 * The agent cannot take runs now: it `failed` (restart intensity exceeded), stopped, Axon is
 * closed, or the worker the run was sent to drains (`workerDraining`).
 */
export class AgentUnavailableError extends AxonError {
  /**
   * The worker drains (SIGTERM) and refused the run before it started (`ErrorDetail.draining`).
   * Axon sends such a run to another instance by itself; this reaches a caller only when none took it.
   */
  readonly workerDraining: boolean;
  constructor(options: AxonErrorOptions & { workerDraining?: boolean }) {
    super("agent_unavailable", { retryable: true, ...options });
    this.workerDraining = options.workerDraining ?? false;
  }
  protected override extraJSON(): Record<string, unknown> {
    return this.workerDraining ? { workerDraining: true } : {};
  }
}

/** Every instance is at its concurrency cap and the agent's queue is full. */
export class OverloadedError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("overloaded", { retryable: true, ...options });
  }
}

/**
 * The run's deadline (`timeoutMs`) passed, while queued or on the worker. Exported as
 * `TimeoutError` too; named so here to not shadow the DOM's `TimeoutError`.
 */
export class AxonTimeoutError extends AxonError {
  readonly timeoutMs: number | undefined;
  constructor(options: AxonErrorOptions & { timeoutMs?: number }) {
    // Not retryable: `timeoutMs` is the budget of the whole run, retries included.
    super("timeout", options);
    this.timeoutMs = options.timeoutMs;
  }
  protected override extraJSON(): Record<string, unknown> {
    return { timeoutMs: this.timeoutMs };
  }
}
