// The graceful end of the runs in flight when Axon closes: they may finish until a deadline,
// then what is left is cut with a `ShuttingDownError`. Cutting them here, before any worker is
// stopped, is what makes the caller see "shutting down" rather than the `worker_crashed` of a
// worker killed under its run.
import { isAxonError } from "../errors/axon-error.js";
import { ShuttingDownError } from "../errors/shutting-down-error.js";
import type { StartedRun } from "./start-run.js";

export interface RunDrain {
  /** Cuts the runs left `graceMs` from now, unless an earlier cut is due already (a second stop only hurries). */
  cutAfter(graceMs: number): void;
  /** Resolves when every run that was active at the start has ended, finished or cut. */
  readonly done: Promise<void>;
}

/** Starts draining `active`; no run may be added to it from now on. */
export function drainRuns(active: ReadonlyMap<string, StartedRun<unknown>>): RunDrain {
  const started = Date.now();
  const done = Promise.allSettled([...active.values()].map((run) => run.result)).then(() => {});
  let cutAt = Number.POSITIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let over = false;
  void done.then(() => {
    over = true;
    clearTimeout(timer);
  });

  const cut = () => {
    const graceMs = Date.now() - started;
    for (const run of active.values()) {
      run.cancel(
        new ShuttingDownError({
          message: `axon is shutting down: the run was cut when the grace period ended, ${graceMs} ms after the stop`,
          graceMs,
        }),
      );
    }
  };

  return {
    cutAfter(graceMs) {
      const at = Date.now() + graceMs;
      if (over || at >= cutAt) return;
      cutAt = at;
      clearTimeout(timer);
      timer = setTimeout(cut, Math.max(0, graceMs));
    },
    done,
  };
}

/** A `worker_crashed` during the drain, as what it is: the worker stopped for the shutdown. */
export function asShutdownError(error: unknown): unknown {
  if (!isAxonError(error) || error.code !== "worker_crashed") return error;
  return new ShuttingDownError({
    message: "axon is shutting down: the worker serving the run stopped before the run ended",
    agent: error.agent,
    runId: error.runId,
    cause: error,
  });
}
