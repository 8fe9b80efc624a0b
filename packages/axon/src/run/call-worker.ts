import { AgentUnavailableError, AxonTimeoutError, WorkerCrashedError } from "../errors/host-errors.js";
import type { RunResponse } from "../gen/axon/v1/run.js";
import type { AgentPool } from "../pool/agent-pool.js";
import type { Lease } from "../pool/pool-member.js";
import { runMetrics } from "../telemetry/run-metrics.js";
import type { RoundTripTrace } from "../telemetry/run-trace.js";
import type { EndpointCall } from "../transport/worker-endpoint.js";

/** One attempt of a run on one worker: the endpoint call, and the pool it takes a slot from. */
export interface CallContext extends EndpointCall {
  pool: AgentPool;
  /** The round trip's span: learns the instance and the queue wait. Default: none. */
  trace?: RoundTripTrace;
}

// A run that a draining worker refused never started there (docs/errors.md), so it goes to
// another instance by itself, whatever `retry.attempts` says; at most this many refusals in a
// row (each takes its worker out of routing, so a pool that keeps refusing is one that drains).
const MAX_REFUSALS = 8;

/**
 * Acquires a slot and makes the call (one round trip) on that member's endpoint, which fails with
 * `AxonError`s only. A refusal of a draining worker is sent again to another instance (or to the
 * worker that replaces it).
 */
export async function callWorker(context: CallContext): Promise<RunResponse> {
  for (let refusals = 1; ; refusals++) {
    try {
      return await callOnce(context);
    } catch (error) {
      const refused = error instanceof AgentUnavailableError && error.workerDraining;
      if (!refused || refusals >= MAX_REFUSALS || context.signal.aborted) throw error;
    }
  }
}

async function callOnce(context: CallContext): Promise<RunResponse> {
  const { pool, agent, runId, signal, deadline, timeoutMs } = context;
  const queuedAt = performance.now();
  runMetrics.addQueued(agent, 1);
  let lease: Lease;
  try {
    lease = await pool.acquire({ runId, signal, deadline, timeoutMs });
  } finally {
    runMetrics.addQueued(agent, -1);
  }
  const waitedMs = performance.now() - queuedAt;
  runMetrics.observeQueueWait(agent, waitedMs / 1000);
  context.trace?.leased(lease.member.id, Math.round(waitedMs * 1000) / 1000);
  if (deadline !== undefined && deadline <= Date.now()) {
    lease.release();
    throw new AxonTimeoutError({
      message: `the run did not start within ${timeoutMs} ms`,
      agent,
      runId,
      timeoutMs,
    });
  }
  // Free the slot at a cancel: the worker learns of it through the call's RST_STREAM, and the
  // caller should not wait for that round trip to see in-flight drop.
  const onAbort = () => lease.release();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await lease.member.endpoint.call({
      agent,
      runId,
      request: context.request,
      metadata: context.metadata,
      signal,
      deadline,
      timeoutMs,
      onEvent: context.onEvent,
    });
  } catch (error) {
    // Before the release: the slot it frees must not hand a queued run to the same worker.
    if (error instanceof AgentUnavailableError && error.workerDraining) pool.retire(lease.member);
    // A remote worker's lost connection has no exit to take it out of the pool (a local one's
    // has): without this, its retries would go back to it, the least busy member now, and trip
    // the crash barrier. Out of routing until its next health check passes.
    if (error instanceof WorkerCrashedError && lease.member.endpoint.kind === "remote")
      pool.setHealthy(lease.member.id, false);
    throw error;
  } finally {
    // Only now, once the error is known: when the worker died, its exit has taken it out of the
    // pool first (the endpoint waits for it), so a queued run is not handed to the dead worker.
    signal.removeEventListener("abort", onAbort);
    lease.release();
  }
}
