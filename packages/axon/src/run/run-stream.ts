import type { EventSink } from "../transport/worker-endpoint.js";
import type { RunEvent, RunResult, RunStream } from "./run-types.js";
import type { StartedRun } from "./start-run.js";

// Receives a streamed run's events; a promise back pauses the producer (transport/worker-endpoint.ts).
export type { EventSink };

/** Where a streamed run's events go until the caller reads them. */
export interface EventBuffer {
  push: EventSink;
}

// A slow reader holds at most HIGH_WATER events in the host; reading resumes the worker once
// the backlog is down to LOW_WATER, so it does not stop and start for every event.
const HIGH_WATER = 256;
const LOW_WATER = 64;

/**
 * Turns a started run into a `RunStream`: events are buffered until read, the last one is the
 * `result`, an error ends the iteration by throwing, and leaving a `for await` early cancels.
 */
export function createRunStream<T>(start: (buffer: EventBuffer) => StartedRun<T>): RunStream<T> {
  const events: RunEvent<T>[] = [];
  let wake: (() => void) | undefined;
  let ended: { error?: unknown } | undefined;
  let drained: { promise: Promise<void>; resolve: () => void } | undefined;
  const release = () => {
    drained?.resolve();
    drained = undefined;
  };
  const buffer: EventBuffer = {
    push(event) {
      events.push(event as RunEvent<T>);
      wake?.();
      if (events.length < HIGH_WATER) return;
      if (!drained) {
        let resolve = () => {};
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        drained = { promise, resolve };
      }
      return drained.promise;
    },
  };
  const run = start(buffer);
  const result = run.result.then(
    (value: RunResult<T>) => {
      events.push({ type: "result", result: value });
      ended = {};
      wake?.();
      return value;
    },
    (error: unknown) => {
      ended = { error };
      wake?.();
      throw error;
    },
  );
  // Whoever only iterates must not get an unhandled rejection from `result`.
  result.catch(() => {});

  async function* iterate(): AsyncGenerator<RunEvent<T>> {
    let finished = false;
    try {
      for (;;) {
        const event = events.shift();
        if (events.length <= LOW_WATER) release();
        if (event) {
          yield event;
          continue;
        }
        if (ended) {
          finished = true;
          if ("error" in ended) throw ended.error;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      // `break`, `return` or a throw in the loop body: the caller is gone, stop the run.
      if (!finished) run.cancel();
      release();
    }
  }

  return {
    runId: run.runId,
    result,
    cancel: run.cancel,
    [Symbol.asyncIterator]: iterate,
  };
}
