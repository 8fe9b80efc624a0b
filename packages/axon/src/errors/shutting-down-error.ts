import type { AxonErrorOptions } from "./axon-error.js";
import { AgentUnavailableError } from "./host-errors.js";

/**
 * Axon is stopping (`close()`, or SIGTERM/SIGINT to `axon serve`): a new run is refused, or a
 * run still in flight when the grace period ended was cut. Code `agent_unavailable` (HTTP 503)
 * and retryable, as the request itself was fine: another instance can serve it. Raised instead
 * of the `worker_crashed` a worker stopped under the run would give, so that the caller sees why.
 */
export class ShuttingDownError extends AgentUnavailableError {
  /** Always true: tells a shutdown from a failed agent, in `toJSON()` (the HTTP body) too. */
  readonly shuttingDown = true;
  /** For a cut run: the grace period that ended. Absent when the run was refused. */
  readonly graceMs: number | undefined;
  constructor(options: AxonErrorOptions & { graceMs?: number }) {
    super(options);
    this.graceMs = options.graceMs;
  }
  protected override extraJSON(): Record<string, unknown> {
    return { ...super.extraJSON(), shuttingDown: this.shuttingDown, graceMs: this.graceMs };
  }
}
