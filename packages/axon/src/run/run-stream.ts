import type { RunEvent, RunResult, RunStream } from "./run-types.js";
import type { StartedRun } from "./start-run.js";

/** Where a streamed run's events go until the caller reads them. */
export interface EventBuffer {
  push(event: RunEvent): void;
}

/**
 * Turns a started run into a `RunStream`: events are buffered until read, the last one is the
 * `result`, an error ends the iteration by throwing, and leaving a `for await` early cancels.
 */
export function createRunStream<T>(start: (buffer: EventBuffer) => StartedRun<T>): RunStream<T> {
  const events: RunEvent<T>[] = [];
  let wake: (() => void) | undefined;
  let ended: { error?: unknown } | undefined;
  const buffer: EventBuffer = {
    push(event) {
      events.push(event as RunEvent<T>);
      wake?.();
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
    }
  }

  return {
    runId: run.runId,
    result,
    cancel: run.cancel,
    [Symbol.asyncIterator]: iterate,
  };
}
