// Every streamed event of a stored run, numbered from 1 and written to `run_events` in batches;
// readers (a resumed SSE stream, on this process or another replica) read the log after the
// last number they saw and then follow it: woken at once by a flush in this process, else by
// polling the table every `pollMs` (docs/threads.md "Resuming a stream").
import { EventEmitter } from "node:events";
import { isEnded, type RunStore, type StoredEvent } from "./run-store.js";

export interface EventRecorder {
  /** Numbers an event and queues it for the log; answers its number (the SSE `id`). */
  push(type: string, data: unknown): number;
  /** Resolves once every event pushed so far is in the log. */
  flush(): Promise<void>;
}

export interface EventLogOptions {
  /** Events kept per run (the oldest go first). */
  maxEventsPerRun: number;
  /** How often a reader of a run this process does not run looks for new events. Default: 200 ms. */
  pollMs?: number;
}

export class RunEventLog {
  private readonly flushed = new EventEmitter();
  private readonly pollMs: number;

  constructor(
    private readonly store: () => Promise<RunStore>,
    private readonly options: EventLogOptions,
  ) {
    this.flushed.setMaxListeners(0);
    this.pollMs = options.pollMs ?? 200;
  }

  recorder(runId: string, firstSeq = 1): EventRecorder {
    let next = firstSeq;
    let pending: StoredEvent[] = [];
    let chain: Promise<void> = Promise.resolve();
    let failure: unknown;
    const write = async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      const store = await this.store();
      await store.appendEvents(runId, batch);
      const last = batch.at(-1)?.seq ?? 0;
      await store.trimEvents(runId, last, this.options.maxEventsPerRun);
      this.flushed.emit(runId);
    };
    const schedule = () => {
      chain = chain.then(write).catch((error: unknown) => {
        failure ??= error; // a lost write must not stop the run; the stream's reader sees the gap
      });
      return chain;
    };
    return {
      push: (type, data) => {
        const seq = next++;
        pending.push({ seq, type, data });
        if (pending.length === 1) void schedule();
        return seq;
      },
      flush: async () => {
        await schedule();
        void failure;
      },
    };
  }

  /** The run's events after `after`, then its live tail until it ended; stops when `signal` aborts. */
  async *read(runId: string, after: number, signal: AbortSignal): AsyncIterable<StoredEvent> {
    const store = await this.store();
    let last = after;
    let endedSeen = false;
    while (!signal.aborted) {
      const events = await store.eventsAfter(runId, last);
      for (const event of events) {
        last = event.seq;
        yield event;
      }
      if (events.length > 0) continue;
      // Ended, and nothing came after the end was seen: its writer flushes before it ends a run.
      if (endedSeen) return;
      const status = await store.status(runId);
      if (status === undefined || isEnded(status)) {
        endedSeen = true;
        continue;
      }
      await this.wait(runId, signal);
    }
  }

  private wait(runId: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.flushed.off(runId, done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      this.flushed.on(runId, done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
