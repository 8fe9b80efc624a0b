import { type ServiceError, status } from "@grpc/grpc-js";
import { type AxonError, isAxonError } from "../errors/axon-error.js";
import { WorkerCrashedError } from "../errors/host-errors.js";
import { CancelledError } from "../errors/worker-errors.js";
import { mapGrpcError, readErrorDetail } from "./map-grpc-error.js";
import { messageTooLargeError } from "./message-size.js";
import type { EndpointCall, EndpointExit } from "./worker-endpoint.js";

export interface CallErrorOptions {
  /** The endpoint's id, named in a crash's message. */
  id: string;
  kind: "local" | "remote";
  /** Resolves when a local worker's process exited. */
  gone: Promise<EndpointExit>;
  maxMessageBytes: number;
}

// How long to wait for the exit of a local worker whose connection dropped, so that the error
// can carry its exit code and signal; the socket usually closes a few ms before `exit` is seen.
// A remote endpoint has no exit to wait for: its lost connection is reported at once.
const EXIT_GRACE_MS = 1000;

/**
 * Turns a failed call, as gRPC status + trailers (whichever transport carried them), into the
 * `AxonError` the caller gets: the caller's own cancel, gRPC's refusal of a message over the
 * limit, the worker's `ErrorDetail`, or a lost connection (a crash, with the exit once known).
 */
export function callErrorMapper(options: CallErrorOptions) {
  const { id, kind, gone, maxMessageBytes } = options;
  return async (error: ServiceError, call: EndpointCall): Promise<AxonError> => {
    const { agent, runId, timeoutMs, signal } = call;
    if (signal.aborted && error.code === status.CANCELLED) {
      return isAxonError(signal.reason)
        ? signal.reason
        : new CancelledError({ message: "the run was cancelled", agent, runId });
    }
    // A worker sends RESOURCE_EXHAUSTED only with an ErrorDetail (usage limits, a provider's 429);
    // a bare one is gRPC's own refusal of a message over the limit: not an overload, not retryable.
    if (error.code === status.RESOURCE_EXHAUSTED && !readErrorDetail(error)) {
      return messageTooLargeError(maxMessageBytes, { agent, runId, cause: error });
    }
    const mapped = mapGrpcError(error, { agent, runId, timeoutMs });
    const connectionLost =
      !readErrorDetail(error) && (error.code === status.UNAVAILABLE || error.code === status.INTERNAL);
    if (!connectionLost) return mapped;
    const exit =
      kind === "local"
        ? await Promise.race([
            gone,
            new Promise<undefined>((resolve) => setTimeout(resolve, EXIT_GRACE_MS, undefined).unref()),
          ])
        : undefined;
    const how = exit
      ? exit.signal
        ? `killed by ${exit.signal}`
        : `exited with code ${exit.exitCode}`
      : "connection lost";
    return new WorkerCrashedError({
      message: `the worker ${id} serving the run crashed (${how})`,
      agent,
      runId,
      exitCode: exit?.exitCode,
      signal: exit?.signal,
      cause: error,
    });
  };
}
