import type { ClientReadableStream, ClientUnaryCall, Metadata, ServiceError } from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import type { AxonError } from "../errors/axon-error.js";
import { AgentUnavailableError, AxonTimeoutError, WorkerCrashedError } from "../errors/host-errors.js";
import { CancelledError, InternalError } from "../errors/worker-errors.js";
import type { RunEvent as ProtoRunEvent, RunRequest, RunResponse } from "../gen/axon/v1/run.js";
import type { AgentPool } from "../pool/agent-pool.js";
import type { Lease } from "../pool/pool-member.js";
import { mapGrpcError, readErrorDetail } from "../transport/map-grpc-error.js";
import { toRunEvent } from "../transport/map-run-event.js";
import { messageTooLargeError } from "../transport/message-size.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../transport/worker-client.js";
import type { EventSink } from "./run-stream.js";

/** One attempt of a run on one worker. */
export interface CallContext {
  pool: AgentPool;
  agent: string;
  runId: string;
  request: RunRequest;
  metadata: Metadata;
  /** Cancels the attempt: queued or in flight. */
  signal: AbortSignal;
  /** Absolute deadline (ms since epoch). Default: none. */
  deadline?: number;
  timeoutMs?: number;
  /** Set for a streamed run: receives each event but the final one. */
  onEvent?: EventSink;
  /** The channels' message limit (the config's `maxMessageBytes`), for the error of a message over it. Default: 64 MiB. */
  maxMessageBytes?: number;
}

// How long to wait for the exit of a worker whose connection dropped, so that the error can
// carry its exit code and signal; the socket usually closes a few ms before `exit` is seen.
const EXIT_GRACE_MS = 1000;

// A run that a draining worker refused never started there (docs/errors.md), so it goes to
// another instance by itself, whatever `retry.attempts` says; at most this many refusals in a
// row (each takes its worker out of routing, so a pool that keeps refusing is one that drains).
const MAX_REFUSALS = 8;

/**
 * Acquires a slot, makes the call (one round trip), and maps its failure to an `AxonError`. A
 * refusal of a draining worker is sent again to another instance (or to the worker that replaces it).
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
  const lease = await pool.acquire({ runId, signal, deadline, timeoutMs });
  if (deadline !== undefined && deadline <= Date.now()) {
    lease.release();
    throw new AxonTimeoutError({
      message: `the run did not start within ${timeoutMs} ms`,
      agent,
      runId,
      timeoutMs,
    });
  }
  return new Promise<RunResponse>((resolve, reject) => {
    let call: ClientUnaryCall | ClientReadableStream<ProtoRunEvent> | undefined;
    const onAbort = () => {
      // Free the slot now: the worker learns of the cancel through the call's RST_STREAM, and
      // the caller should not wait for that round trip to see in-flight drop.
      lease.release();
      call?.cancel();
    };
    const settle = (error: ServiceError | AxonError | undefined, response?: RunResponse) => {
      signal.removeEventListener("abort", onAbort);
      if (!error && response) {
        lease.release();
        resolve(response);
      } else if (error && "code" in error && typeof error.code === "number") {
        // Keep the slot until the error is known: when the worker died, its exit takes it out of
        // the pool first, so that a queued run is not handed to the dead worker.
        void toAxonError(error as ServiceError, context, lease).then((mapped) => {
          // Before the release: the slot it frees must not hand a queued run to the same worker.
          if (mapped instanceof AgentUnavailableError && mapped.workerDraining) pool.retire(lease.member);
          lease.release();
          reject(mapped);
        });
      } else {
        lease.release();
        reject(error);
      }
    };
    const options = deadline === undefined ? {} : { deadline };
    const client = lease.member.client;
    if (!context.onEvent) {
      call = client.run(context.request, context.metadata, options, (error, response) =>
        settle(error ?? undefined, response),
      );
    } else {
      const onEvent = context.onEvent;
      const stream = client.runStream(context.request, context.metadata, options);
      let final: RunResponse | undefined;
      stream.on("data", (message: ProtoRunEvent) => {
        if (message.event?.$case === "final") final = message.event.value;
        else {
          const event = toRunEvent(message);
          const behind = event && onEvent(event);
          if (behind) {
            stream.pause();
            void behind.then(() => stream.resume());
          }
        }
      });
      stream.on("error", (error: ServiceError) => settle(error));
      stream.on("status", (s) => {
        if (s.code !== status.OK) return;
        if (final) settle(undefined, final);
        else settle(new InternalError({ message: "the stream ended without a final event", agent, runId }));
      });
      call = stream;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
  });
}

async function toAxonError(error: ServiceError, context: CallContext, lease: Lease): Promise<AxonError> {
  const { agent, runId, timeoutMs, signal } = context;
  if (signal.aborted && error.code === status.CANCELLED) {
    const reason = signal.reason;
    return reason instanceof Error && "code" in reason
      ? (reason as AxonError)
      : new CancelledError({ message: "the run was cancelled", agent, runId });
  }
  // A worker sends RESOURCE_EXHAUSTED only with an ErrorDetail (usage limits, a provider's 429);
  // a bare one is gRPC's own refusal of a message over the limit: not an overload, not retryable.
  if (error.code === status.RESOURCE_EXHAUSTED && !readErrorDetail(error)) {
    const limit = context.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    return messageTooLargeError(limit, { agent, runId, cause: error });
  }
  const mapped = mapGrpcError(error, { agent, runId, timeoutMs });
  const connectionLost =
    !readErrorDetail(error) && (error.code === status.UNAVAILABLE || error.code === status.INTERNAL);
  if (!connectionLost) return mapped;
  const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, EXIT_GRACE_MS, undefined).unref());
  const exit = await Promise.race([lease.member.gone, timeout]);
  const how = exit
    ? exit.signal
      ? `killed by ${exit.signal}`
      : `exited with code ${exit.exitCode}`
    : "connection lost";
  return new WorkerCrashedError({
    message: `the worker ${lease.member.id} serving the run crashed (${how})`,
    agent,
    runId,
    exitCode: exit?.exitCode,
    signal: exit?.signal,
    cause: error,
  });
}
