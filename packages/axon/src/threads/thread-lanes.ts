// One run per thread at a time, in this process, and what a second message does while one runs
// (docs/threads.md "Double texting"): `reject` it, `enqueue` it behind, or `interrupt` the
// running one (and drop the queued ones) and go next.
import { CancelledError } from "../errors/worker-errors.js";
import { ThreadError } from "./thread-errors.js";

export type OnBusy = "reject" | "enqueue" | "interrupt";

/** Queued runs a thread holds at most; one more is refused as busy. */
export const MAX_QUEUED_PER_THREAD = 32;

/** A run's place in its thread's lane. */
export interface LaneSlot {
  /** Set when a newer message interrupted this run: its partial history is kept. */
  readonly interrupted: boolean;
  /** Called by `interrupt` on the running slot; the run sets it once it runs. */
  onInterrupt: () => void;
  /** Leaves the lane (the run ended, or gave up waiting) and lets the next one start. */
  release(): void;
}

interface Waiter {
  start: () => void;
  fail: (error: Error) => void;
}

interface Lane {
  running: Slot | undefined;
  queue: Waiter[];
}

class Slot implements LaneSlot {
  interrupted = false;
  onInterrupt = () => {};
  constructor(readonly release: () => void) {}
}

export class ThreadLanes {
  private readonly lanes = new Map<string, Lane>();

  /** Resolves when the run may start; rejects with `thread_busy`, or `CancelledError` when interrupted or aborted while queued. */
  enter(threadId: string, onBusy: OnBusy, signal?: AbortSignal): Promise<LaneSlot> {
    let lane = this.lanes.get(threadId);
    if (!lane) {
      lane = { running: undefined, queue: [] };
      this.lanes.set(threadId, lane);
    }
    const current = lane;
    const take = () => {
      const slot: Slot = new Slot(() => this.leave(threadId, current, slot));
      current.running = slot;
      return slot;
    };
    if (!current.running) return Promise.resolve(take());
    if (onBusy === "reject") {
      return Promise.reject(
        new ThreadError("thread_busy", `thread "${threadId}" has a run in progress`, threadId),
      );
    }
    if (onBusy === "interrupt") {
      // The newest message wins: queued ones will not run, the running one stops and keeps what it said.
      for (const waiter of current.queue.splice(0)) {
        waiter.fail(new CancelledError({ message: `superseded by a newer message on thread "${threadId}"` }));
      }
      current.running.interrupted = true;
      current.running.onInterrupt();
    } else if (current.queue.length >= MAX_QUEUED_PER_THREAD) {
      return Promise.reject(
        new ThreadError(
          "thread_busy",
          `thread "${threadId}" has ${MAX_QUEUED_PER_THREAD} runs queued`,
          threadId,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => resolve(take()),
        fail: reject,
      };
      current.queue.push(waiter);
      signal?.addEventListener(
        "abort",
        () => {
          const index = current.queue.indexOf(waiter);
          if (index < 0) return;
          current.queue.splice(index, 1);
          reject(new CancelledError({ message: "the run was cancelled while queued" }));
        },
        { once: true },
      );
    });
  }

  /** Whether a run of this thread is running in this process. */
  busy(threadId: string): boolean {
    return this.lanes.get(threadId)?.running !== undefined;
  }

  private leave(threadId: string, lane: Lane, slot: Slot): void {
    if (lane.running !== slot) return;
    lane.running = undefined;
    const next = lane.queue.shift();
    if (next) next.start();
    else this.lanes.delete(threadId);
  }
}
