// One run per thread across the processes sharing a store (docs/threads.md "Double texting"):
// the run that holds a thread's lane is written on the thread row (`active_run_id`) with a lease
// (`lease_until`) its process refreshes while the run lives. A lease is claimed by a conditional
// UPDATE (free, or past its time: the owner died), so of two replicas claiming at once one wins.
// Every statement is built by Kysely with bound parameters.
import type { Kysely } from "kysely";
import { CancelledError } from "../errors/worker-errors.js";
import type { Database } from "../storage/database-types.js";
import { ThreadError, threadNotFound } from "./thread-errors.js";
import type { OnBusy } from "./thread-lanes.js";

/** How often a waiter asks the store whether the lease is free. */
export const LEASE_POLL_MS = 100;

export class ThreadLease {
  constructor(private readonly db: Kysely<Database>) {}

  /** Takes the thread's lane for `runId` when free or stale; false when another run holds it. */
  async claim(threadId: string, runId: string, leaseMs: number): Promise<boolean> {
    const now = new Date();
    const rows = await this.db
      .updateTable("threads")
      .set({ active_run_id: runId, lease_until: new Date(now.getTime() + leaseMs) })
      .where("id", "=", threadId)
      .where((eb) =>
        eb.or([
          eb("active_run_id", "is", null),
          eb("active_run_id", "=", runId),
          eb("lease_until", "is", null),
          eb("lease_until", "<", now),
        ]),
      )
      .returning("id")
      .execute();
    return rows.length > 0;
  }

  /** Extends the lease while the run lives; false when it was lost (taken over after a stall). */
  async refresh(threadId: string, runId: string, leaseMs: number): Promise<boolean> {
    const rows = await this.db
      .updateTable("threads")
      .set({ lease_until: new Date(Date.now() + leaseMs) })
      .where("id", "=", threadId)
      .where("active_run_id", "=", runId)
      .returning("id")
      .execute();
    return rows.length > 0;
  }

  /** Gives the lane back (only if this run still holds it). */
  async release(threadId: string, runId: string): Promise<void> {
    await this.db
      .updateTable("threads")
      .set({ active_run_id: null, lease_until: null })
      .where("id", "=", threadId)
      .where("active_run_id", "=", runId)
      .execute();
  }

  /** The run holding the lane, if its lease is live; null when the thread is gone. */
  async holder(threadId: string): Promise<string | undefined | null> {
    const row = await this.db
      .selectFrom("threads")
      .select(["active_run_id", "lease_until"])
      .where("id", "=", threadId)
      .executeTakeFirst();
    if (!row) return null;
    if (!row.active_run_id || !row.lease_until) return undefined;
    return new Date(row.lease_until).getTime() >= Date.now() ? row.active_run_id : undefined;
  }

  /** Asks the holder's owner to cancel it (the stored-run cancel, seen at its next heartbeat). */
  async requestCancel(runId: string): Promise<void> {
    await this.db
      .updateTable("runs")
      .set({ cancel_requested: true })
      .where("id", "=", runId)
      .where("status", "in", ["queued", "running"])
      .execute();
  }

  /**
   * Takes the lane across processes with the thread's `onBusy`: `reject` answers `thread_busy`
   * at once; `enqueue` polls until it is free (at most `waitMs`); `interrupt` asks the holder to
   * be cancelled, then polls (at most `interruptWaitMs`). A run already in this process's lane
   * (thread-lanes.ts) comes here first of its process, so waiters of one process keep their order.
   */
  async acquire(options: {
    threadId: string;
    runId: string;
    onBusy: OnBusy;
    leaseMs: number;
    waitMs: number;
    interruptWaitMs: number;
    signal: AbortSignal;
  }): Promise<void> {
    const { threadId, runId, onBusy, leaseMs, signal } = options;
    if (await this.claim(threadId, runId, leaseMs)) return;
    const busy = (why: string) =>
      new ThreadError("thread_busy", `thread "${threadId}" has a run in progress${why}`, threadId);
    if (onBusy === "reject") throw busy(" (on another replica)");
    const deadline = Date.now() + (onBusy === "interrupt" ? options.interruptWaitMs : options.waitMs);
    for (;;) {
      if (signal.aborted) throw new CancelledError({ message: "the run was cancelled while queued" });
      const holder = await this.holder(threadId);
      if (holder === null) throw threadNotFound(threadId);
      // Asked again each time: the holder's row may not be stored yet the first time.
      if (onBusy === "interrupt" && holder) await this.requestCancel(holder);
      if (await this.claim(threadId, runId, leaseMs)) return;
      if (Date.now() >= deadline) throw busy(" (waited for it on another replica)");
      await sleep(LEASE_POLL_MS, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
