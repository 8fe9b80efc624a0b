import { type AxonError, isAxonError } from "../errors/axon-error.js";
import { AgentUnavailableError, AxonTimeoutError, OverloadedError } from "../errors/host-errors.js";
import { CancelledError } from "../errors/worker-errors.js";
import type { Lease, PoolMember } from "./pool-member.js";
import { createRunQueue } from "./run-queue.js";

/** Whether the pool takes runs: `up` (queue while no member is free), or not, with the reason. */
export type PoolAvailability = { state: "up" } | { state: "down"; reason: string };

export interface AcquireOptions {
  runId?: string;
  /** Aborting it takes the run out of the queue with its reason if an `AxonError`, else `CancelledError`. Default: none. */
  signal?: AbortSignal;
  /** Absolute time (ms) after which a queued run fails with `TimeoutError`. Default: none. */
  deadline?: number;
  /** The run's `timeoutMs`, for the error message. Default: none. */
  timeoutMs?: number;
}

export interface AgentPool {
  readonly agent: string;
  /** A slot on the least busy member; queues when all are at their cap. */
  acquire(options?: AcquireOptions): Promise<Lease>;
  add(member: PoolMember): void;
  remove(memberId: string): void;
  /**
   * Takes `member` out of routing because it refuses runs (it drains): its runs in flight go on.
   * A no-op once the member was removed or replaced (a restarted worker keeps its id).
   */
  retire(member: PoolMember): void;
  /** Takes a member out of routing while its health checks fail, and back when they pass. */
  setHealthy(memberId: string, healthy: boolean): void;
  /** Counts a failed health check of a member (for `status()` and /metrics). */
  noteHealthFailure(memberId: string): void;
  /** The members, in the order they joined, with their runs in flight and health. */
  members(): MemberView[];
  setAvailability(availability: PoolAvailability): void;
  availability(): PoolAvailability;
  /** Changes the runs each member serves at once (a live config change); queued runs may start now. */
  setMaxConcurrency(maxConcurrency: number): void;
  inFlight(memberId?: string): number;
  queued(): number;
  /** Resolves when no run is in flight (for a graceful close). */
  idle(): Promise<void>;
}

export interface AgentPoolOptions {
  agent: string;
  /** Runs one member serves at once. Default: 64. */
  maxConcurrency?: number;
  /** Runs that may wait; beyond it `OverloadedError`. Default: 1000. */
  maxQueue?: number;
}

export interface MemberView {
  member: PoolMember;
  inFlight: number;
  healthy: boolean;
  /** When it joined the pool (ms since epoch). */
  since: number;
  /** Health checks it failed since it joined. */
  healthFailures: number;
}

type Entry = MemberView;

interface Waiter {
  resolve(lease: Lease): void;
  reject(error: AxonError): void;
}

/** Least-in-flight routing over a set of members, with a per-member cap and a bounded queue. */
export function createAgentPool(options: AgentPoolOptions): AgentPool {
  const { agent } = options;
  let maxConcurrency = options.maxConcurrency ?? 64;
  const queue = createRunQueue<Waiter>(options.maxQueue ?? 1000);
  const members = new Map<string, Entry>();
  let availability: PoolAvailability = { state: "up" };
  const idleWaiters: (() => void)[] = [];

  const totalInFlight = () =>
    [...members.values()].reduce((sum, entry) => sum + entry.inFlight, 0) + orphaned;
  // Runs still holding a lease on a member that was removed (it crashed); they end soon.
  let orphaned = 0;

  const pick = () => {
    let best: Entry | undefined;
    for (const entry of members.values()) {
      if (!entry.healthy || entry.inFlight >= maxConcurrency) continue;
      if (!best || entry.inFlight < best.inFlight) best = entry;
    }
    return best;
  };

  const lease = (entry: Entry): Lease => {
    entry.inFlight += 1;
    let released = false;
    return {
      member: entry.member,
      release() {
        if (released) return;
        released = true;
        if (members.get(entry.member.id) === entry) entry.inFlight -= 1;
        else orphaned -= 1;
        dispatch();
        if (totalInFlight() === 0) for (const wake of idleWaiters.splice(0)) wake();
      },
    };
  };

  const dispatch = () => {
    while (queue.size > 0) {
      const entry = pick();
      if (!entry) return;
      queue.shift()?.resolve(lease(entry));
    }
  };

  function removeEntry(memberId: string) {
    const entry = members.get(memberId);
    if (!entry) return;
    orphaned += entry.inFlight;
    members.delete(memberId);
  }

  // The signal's own reason when it is typed (a `ShuttingDownError` from `close()`), else a cancel.
  const abortError = (
    signal: AbortSignal | undefined,
    message: string,
    runId: string | undefined,
  ): AxonError =>
    isAxonError(signal?.reason) ? signal.reason : new CancelledError({ message, agent, runId });

  const unavailable = (reason: string) =>
    new AgentUnavailableError({ message: `agent "${agent}" is unavailable: ${reason}`, agent });

  return {
    agent,
    acquire(acquireOptions = {}) {
      const { signal, deadline, runId } = acquireOptions;
      if (availability.state === "down") return Promise.reject(unavailable(availability.reason));
      if (signal?.aborted) return Promise.reject(abortError(signal, "the run was cancelled", runId));
      const entry = queue.size === 0 ? pick() : undefined;
      if (entry) return Promise.resolve(lease(entry));
      return new Promise<Lease>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const cleanup = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        };
        const waiter: Waiter = {
          resolve(l) {
            cleanup();
            resolve(l);
          },
          reject(e) {
            cleanup();
            reject(e);
          },
        };
        const remove = queue.push(waiter);
        if (!remove) {
          const message = `agent "${agent}" is overloaded: ${members.size} instance(s) busy and ${queue.size} run(s) queued`;
          reject(new OverloadedError({ message, agent, runId }));
          return;
        }
        const onAbort = () => {
          remove();
          waiter.reject(abortError(signal, "the run was cancelled while queued", runId));
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        if (deadline !== undefined) {
          timer = setTimeout(
            () => {
              remove();
              const message = `the run did not start within ${acquireOptions.timeoutMs ?? deadline - Date.now()} ms (queued)`;
              waiter.reject(
                new AxonTimeoutError({ message, agent, runId, timeoutMs: acquireOptions.timeoutMs }),
              );
            },
            Math.max(0, deadline - Date.now()),
          );
        }
      });
    },
    add(member) {
      const entry: Entry = { member, inFlight: 0, healthy: true, since: Date.now(), healthFailures: 0 };
      members.set(member.id, entry);
      // A member that is gone takes no more runs, even if nobody told the pool yet.
      void member.endpoint.gone.then(() => members.get(member.id) === entry && removeEntry(member.id));
      dispatch();
    },
    remove: removeEntry,
    retire(member) {
      if (members.get(member.id)?.member === member) removeEntry(member.id);
    },
    setHealthy(memberId, healthy) {
      const entry = members.get(memberId);
      if (!entry || entry.healthy === healthy) return;
      entry.healthy = healthy;
      if (healthy) dispatch();
    },
    noteHealthFailure(memberId) {
      const entry = members.get(memberId);
      if (entry) entry.healthFailures += 1;
    },
    members: () => [...members.values()].map((entry) => ({ ...entry })),
    setAvailability(next) {
      availability = next;
      if (next.state === "down") for (const waiter of queue.drain()) waiter.reject(unavailable(next.reason));
    },
    availability: () => availability,
    setMaxConcurrency(next) {
      maxConcurrency = next;
      dispatch();
    },
    inFlight(memberId) {
      if (memberId === undefined) return totalInFlight();
      return members.get(memberId)?.inFlight ?? 0;
    },
    queued: () => queue.size,
    idle() {
      if (totalInFlight() === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
