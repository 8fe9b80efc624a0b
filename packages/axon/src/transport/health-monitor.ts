// Liveness of a ready worker, local or remote. A worker whose event loop is blocked (a sync call in an async
// tool, a deadlock) still has its process and its socket, so neither `exit` nor a broken
// connection reveals it: only a question it has to answer does. `grpc.health.v1/Check` is
// served on the same event loop as the runs, so a worker that cannot answer it cannot serve
// runs either.

/** How often and how patiently a ready worker is asked whether it is alive. */
export interface HealthCheckConfig {
  /** Time between two checks; 0 turns checking off. */
  intervalMs: number;
  /** How long one check may take before it counts as failed. */
  timeoutMs: number;
  /** Consecutive failed checks after which the worker is declared hung. */
  failures: number;
}

export interface HealthMonitorOptions extends HealthCheckConfig {
  /** One check: resolves when the worker answers SERVING, rejects otherwise. */
  check(timeoutMs: number): Promise<void>;
  /** Called once, after `failures` checks in a row failed; for a local worker the caller kills it. */
  onHung(reason: string): void;
  /**
   * Given, the monitor goes on after `onHung` and calls this at the next healthy answer (then
   * `onHung` again after `failures` more): a remote worker is taken out of routing and put back,
   * not killed. Default: none (the monitor stops at `onHung`).
   */
  onRecovered?(): void;
  /** Called at every failed check, before the count decides anything (for a metric). Default: none. */
  onFailure?(error: unknown): void;
}

/**
 * Checks a worker every `intervalMs` until stopped. Checks never overlap (the next one is
 * scheduled when the previous settles), and one success resets the count, so a worker that is
 * merely slow under load for a moment is not killed.
 * @returns a function that stops the monitor.
 */
export function watchHealth(options: HealthMonitorOptions): () => void {
  if (options.intervalMs <= 0) return () => {};
  let stopped = false;
  let failed = 0;
  let hung = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void probe(), options.intervalMs);
    // A monitor must never keep the host alive on its own.
    timer.unref();
  };
  const probe = async () => {
    let error: unknown;
    try {
      await options.check(options.timeoutMs);
    } catch (caught) {
      error = caught;
    }
    if (stopped) return;
    if (error === undefined) {
      if (hung) options.onRecovered?.();
      hung = false;
      failed = 0;
      return schedule();
    }
    failed += 1;
    options.onFailure?.(error);
    if (failed < options.failures || hung) return schedule();
    const why = error instanceof Error ? error.message : String(error);
    hung = true;
    if (!options.onRecovered) stopped = true;
    options.onHung(
      `no healthy answer to ${failed} health checks in a row (timeout ${options.timeoutMs} ms): ${why}`,
    );
    schedule();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
