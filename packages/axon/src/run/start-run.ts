import { randomUUID } from "node:crypto";
import { type AxonError, isAxonError } from "../errors/axon-error.js";
import { WorkerCrashedError } from "../errors/host-errors.js";
import { CancelledError } from "../errors/worker-errors.js";
import type { RunRequest, RunResponse } from "../gen/axon/v1/run.js";
import type { AgentPool } from "../pool/agent-pool.js";
import { runRoundTrips } from "../tools/round-trips.js";
import type { ToolSet } from "../tools/tool.js";
import { mergeToolSets } from "../tools/tool-definitions.js";
import { buildCallMetadata, buildRunRequest } from "../transport/build-run-request.js";
import { checkRequestSize } from "../transport/message-size.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../transport/worker-client.js";
import type { EventSink } from "../transport/worker-endpoint.js";
import { callWorker } from "./call-worker.js";
import type { RunOptions } from "./run-options.js";
import type { RunEvent, RunResult } from "./run-types.js";

/** A run that has been started; the same for `run()` and `stream()`. */
export interface StartedRun<T> {
  runId: string;
  result: Promise<RunResult<T>>;
  /** Ends the run with `reason` (default: a `CancelledError`); `close()` passes a `ShuttingDownError`. */
  cancel(reason?: AxonError): void;
}

export interface StartRunOptions {
  pool: AgentPool;
  agent: string;
  prompt: string;
  /** Already validated by `parseRunOptions`. */
  options: RunOptions;
  /** The agent's default `timeoutMs`. Default: none. */
  agentTimeoutMs?: number;
  /** The agent's host tools from the config. Default: none. */
  agentTools?: ToolSet;
  /** Receives a streamed run's events; absent for a unary run. */
  onEvent?: EventSink;
  /** Most tries whatever `retry.attempts` asks (the config's `maxRetryAttempts`). Default: 5. */
  maxRetryAttempts?: number;
  /** Largest request sent to a worker (the config's `maxMessageBytes`). Default: 64 MiB. */
  maxMessageBytes?: number;
}

const DEFAULT_RETRY_BACKOFF_MS = 100;
const DEFAULT_MAX_RETRY_ATTEMPTS = 5;

/**
 * Starts a run with its retries: `retry.attempts` tries in total (at most `maxRetryAttempts`),
 * only after a retryable error, and for a stream only while no event has reached the caller (a
 * retry would repeat them). The deadline covers every attempt and the waits between them.
 *
 * A crash barrier stops a poisonous run (one whose input kills the worker) from taking down one
 * worker after another: a run whose worker crashed under it is retried once at most, and its
 * second crash is final (`WorkerCrashedError` with `crashBarrier`, not retryable), whatever
 * attempts are left. The retry goes to the least busy worker; the crashed one is out of the pool.
 */
export function startRun<T>(start: StartRunOptions): StartedRun<T> {
  const { options, agent } = start;
  const runId = options.runId ?? randomUUID();
  const controller = new AbortController();
  const cancel = (reason?: AxonError) => {
    if (controller.signal.aborted) return;
    if (reason) {
      reason.agent ??= agent;
      reason.runId ??= runId;
    }
    controller.abort(reason ?? new CancelledError({ message: "the run was cancelled", agent, runId }));
  };
  const userSignal = options.signal;
  const onUserAbort = () => cancel();
  userSignal?.addEventListener("abort", onUserAbort, { once: true });
  if (userSignal?.aborted) cancel();

  const timeoutMs = options.timeoutMs ?? start.agentTimeoutMs;
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const tools = mergeToolSets(start.agentTools, options.tools);
  const request = buildRunRequest(agent, start.prompt, runId, { ...options, tools });
  let delivered = false;
  const onEvent =
    start.onEvent &&
    ((event: RunEvent) => {
      delivered = true;
      return start.onEvent?.(event);
    });

  const attempts = Math.min(
    options.retry?.attempts ?? 1,
    start.maxRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS,
  );
  const backoffMs = options.retry?.backoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
  const maxMessageBytes = start.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  // Workers this run crashed, over all its round trips and attempts (the crash barrier).
  let crashes = 0;
  // One round trip, retried as a whole: it only sends state the history already holds.
  const attempt = async (
    n: number,
    request: RunRequest,
    onTripEvent: EventSink | undefined,
  ): Promise<RunResponse> => {
    // Every trip: a continuation carries the history, which grows with each one.
    checkRequestSize(request, maxMessageBytes, { agent, runId });
    try {
      const metadata = buildCallMetadata(options);
      return await callWorker({
        ...start,
        runId,
        request,
        metadata,
        signal: controller.signal,
        deadline,
        timeoutMs,
        onEvent: onTripEvent,
      });
    } catch (error) {
      if (error instanceof WorkerCrashedError && ++crashes >= 2) throw crashBarrier(error);
      const wait = backoffMs * 2 ** (n - 1);
      const canRetry =
        n < attempts &&
        isAxonError(error) &&
        error.retryable &&
        !delivered &&
        !controller.signal.aborted &&
        (deadline === undefined || Date.now() + wait < deadline);
      if (!canRetry) throw error;
      await sleep(wait, controller.signal);
      return attempt(n + 1, request, onTripEvent);
    }
  };
  const result = runRoundTrips<T>({
    agent,
    runId,
    request,
    tools,
    signal: controller.signal,
    deadline,
    timeoutMs,
    onEvent,
    call: (tripRequest, onTripEvent) => attempt(1, tripRequest, onTripEvent),
  }).finally(() => userSignal?.removeEventListener("abort", onUserAbort));
  return { runId, result, cancel };
}

function crashBarrier(error: WorkerCrashedError): WorkerCrashedError {
  return new WorkerCrashedError({
    message: `${error.message}; the run crashed its worker before, so it is not retried again (crash barrier)`,
    agent: error.agent,
    runId: error.runId,
    exitCode: error.exitCode,
    signal: error.signal,
    retryable: false,
    crashBarrier: true,
    cause: error.cause,
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
