import { randomUUID } from "node:crypto";
import { Metadata } from "@grpc/grpc-js";
import { type AxonError, isAxonError } from "../errors/axon-error.js";
import { WorkerCrashedError } from "../errors/host-errors.js";
import { CancelledError } from "../errors/worker-errors.js";
import type { RunRequest, RunResponse } from "../gen/axon/v1/run.js";
import type { AgentPool } from "../pool/agent-pool.js";
import { runMetrics } from "../telemetry/run-metrics.js";
import { RunTrace } from "../telemetry/run-trace.js";
import { runRoundTrips } from "../tools/round-trips.js";
import type { ToolSet } from "../tools/tool.js";
import { mergeToolSets } from "../tools/tool-definitions.js";
import { buildRunRequest } from "../transport/build-run-request.js";
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
  const stream = start.onEvent !== undefined;
  // One trace for the whole run: every round trip and retry is a child of this span (issue 16).
  const runTrace = new RunTrace({
    kind: stream ? "stream" : "run",
    agent,
    runId,
    traceparent: options.metadata?.traceparent,
    continuation: options.approvals !== undefined && Object.keys(options.approvals).length > 0,
  });
  const startedAt = performance.now();
  runMetrics.addInFlight(agent, 1);
  let delivered = false;
  const onEvent =
    start.onEvent &&
    ((event: RunEvent) => {
      if (!delivered) runMetrics.observeFirstEvent(agent, (performance.now() - startedAt) / 1000);
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
  let trips = 0;
  let tries = 0;
  const attempt = async (
    n: number,
    request: RunRequest,
    onTripEvent: EventSink | undefined,
    trip: number,
  ): Promise<RunResponse> => {
    // Every trip: a continuation carries the history, which grows with each one.
    checkRequestSize(request, maxMessageBytes, { agent, runId });
    tries += 1;
    const tripTrace = runTrace.roundTrip(trip, n, stream);
    try {
      const metadata = new Metadata();
      metadata.set("traceparent", tripTrace.traceparent);
      const response = await callWorker({
        ...start,
        runId,
        request,
        metadata,
        signal: controller.signal,
        deadline,
        timeoutMs,
        onEvent: onTripEvent,
        trace: tripTrace,
      });
      tripTrace.end();
      return response;
    } catch (error) {
      tripTrace.end(error);
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
      return attempt(n + 1, request, onTripEvent, trip);
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
    trace: runTrace,
    approvals: options.approvals,
    call: (tripRequest, onTripEvent) => attempt(1, tripRequest, onTripEvent, ++trips),
  })
    .then(
      (done) => {
        done.traceId = runTrace.traceId;
        done.traceparent = runTrace.traceparent;
        runMetrics.observeTokens(agent, done.usage.inputTokens, done.usage.outputTokens);
        runTrace.end({
          paused: done.pendingApprovals !== undefined,
          attributes: runAttributes(trips, tries, done.model, done.usage),
        });
        return done;
      },
      (error: unknown) => {
        runTrace.end({ error, attributes: runAttributes(trips, tries) });
        throw error;
      },
    )
    .finally(() => {
      runMetrics.addInFlight(agent, -1);
      userSignal?.removeEventListener("abort", onUserAbort);
    });
  return { runId, result, cancel };
}

function runAttributes(
  trips: number,
  tries: number,
  model?: string,
  usage?: RunResult["usage"],
): Record<string, string | number> {
  return {
    "axon.round_trips": trips,
    "axon.attempts": tries,
    ...(model ? { "gen_ai.response.model": model } : {}),
    // Aggregated over the run's model requests, as pydantic-ai names them on its agent run span
    // (gen_ai.usage.* would count twice in a backend that sums a trace's spans).
    ...(usage
      ? {
          "gen_ai.aggregated_usage.input_tokens": usage.inputTokens,
          "gen_ai.aggregated_usage.output_tokens": usage.outputTokens,
        }
      : {}),
  };
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
