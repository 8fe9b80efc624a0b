import { type ServiceError, status } from "@grpc/grpc-js";
import type { AxonError, AxonErrorOptions } from "../errors/axon-error.js";
import {
  AgentNotFoundError,
  AgentUnavailableError,
  AxonTimeoutError,
  OverloadedError,
  WorkerCrashedError,
} from "../errors/host-errors.js";
import {
  CancelledError,
  InternalError,
  InvalidRequestError,
  ModelApiError,
  ModelHttpError,
  OutputValidationError,
  UnexpectedModelBehaviorError,
  UsageLimitExceededError,
  UserError,
} from "../errors/worker-errors.js";
import { ErrorDetail, ErrorKind } from "../gen/axon/v1/errors.js";

/** The trailing metadata key carrying an `ErrorDetail` (proto/axon/v1/errors.proto). */
export const ERROR_DETAIL_KEY = "axon-error-bin";

type MakeError = (options: AxonErrorOptions, detail: ErrorDetail) => AxonError;

// Exhaustive over the proto's kinds (docs/errors.md): a kind added to errors.proto fails the type
// check until it is mapped here, instead of silently becoming `internal`.
const byKind: Record<ErrorKind, MakeError> = {
  [ErrorKind.ERROR_KIND_INVALID_REQUEST]: (o) => new InvalidRequestError(o),
  // The worker lists the agents it hosts in the message; the host's own check has the list.
  [ErrorKind.ERROR_KIND_AGENT_NOT_FOUND]: (o) => new AgentNotFoundError({ ...o, knownAgents: [] }),
  [ErrorKind.ERROR_KIND_USAGE_LIMIT_EXCEEDED]: (o) => new UsageLimitExceededError(o),
  [ErrorKind.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR]: (o) => new UnexpectedModelBehaviorError(o),
  [ErrorKind.ERROR_KIND_MODEL_HTTP_ERROR]: (o) => new ModelHttpError(o),
  [ErrorKind.ERROR_KIND_MODEL_API_ERROR]: (o) => new ModelApiError(o),
  [ErrorKind.ERROR_KIND_OUTPUT_VALIDATION]: (o) => new OutputValidationError(o),
  [ErrorKind.ERROR_KIND_USER_ERROR]: (o) => new UserError(o),
  [ErrorKind.ERROR_KIND_CANCELLED]: (o) => new CancelledError(o),
  [ErrorKind.ERROR_KIND_INTERNAL]: (o) => new InternalError(o),
  // The worker's own deadline (pydantic-ai `RunTimedOut`): not the host's `timeoutMs`.
  [ErrorKind.ERROR_KIND_TIMEOUT]: (o) => new AxonTimeoutError(o),
  [ErrorKind.ERROR_KIND_AGENT_UNAVAILABLE]: (o, d) =>
    new AgentUnavailableError({ ...o, workerDraining: d.draining }),
  // A worker that sent no kind, or one newer than this host knows: say what came.
  [ErrorKind.ERROR_KIND_UNSPECIFIED]: (o, d) => unknownKind(o, d),
  [ErrorKind.UNRECOGNIZED]: (o, d) => unknownKind(o, d),
};

function unknownKind(options: AxonErrorOptions, detail: ErrorDetail): AxonError {
  return new InternalError({
    ...options,
    message: `worker error of unknown kind ${detail.kind}: ${options.message}`,
  });
}

/** Where the call went, for the error's `agent` and `runId`. */
export interface CallContext {
  agent: string;
  runId: string;
  /** The run's deadline budget, for TimeoutError. */
  timeoutMs?: number;
}

/** Reads the `ErrorDetail` a worker attached to a failed call, if any. */
export function readErrorDetail(error: ServiceError): ErrorDetail | undefined {
  const [raw] = error.metadata?.get(ERROR_DETAIL_KEY) ?? [];
  if (!Buffer.isBuffer(raw)) return undefined;
  try {
    return ErrorDetail.decode(raw);
  } catch {
    return undefined;
  }
}

/**
 * Turns a failed gRPC call into the matching `AxonError`: by the worker's `ErrorDetail` when it
 * sent one, else by status code. Connection loss comes out as `WorkerCrashedError`; the caller
 * adds the exit code and signal once the process's exit is known.
 */
export function mapGrpcError(error: ServiceError, context: CallContext): AxonError {
  const detail = readErrorDetail(error);
  const base = { agent: context.agent, runId: context.runId, cause: error };
  if (detail) {
    const options: AxonErrorOptions = {
      ...base,
      message: detail.message || error.details,
      retryable: detail.retryable,
      agent: detail.agent || context.agent,
      runId: detail.runId || context.runId,
      pythonType: detail.pythonType || undefined,
      pythonTraceback: detail.traceback || undefined,
      statusCode: detail.statusCode,
      field: detail.field || undefined,
      toolName: detail.toolName || undefined,
    };
    // `?? unknownKind`: a kind number the generated enum does not list decodes as itself, not UNRECOGNIZED.
    return (byKind[detail.kind] ?? unknownKind)(options, detail);
  }
  const message = error.details || error.message;
  switch (error.code) {
    case status.CANCELLED:
      return new CancelledError({ ...base, message: "the run was cancelled" });
    case status.DEADLINE_EXCEEDED:
      return new AxonTimeoutError({
        ...base,
        message: `the run did not finish within ${context.timeoutMs ?? "its"} ms`,
        timeoutMs: context.timeoutMs,
      });
    case status.UNAVAILABLE:
      return new WorkerCrashedError({ ...base, message: `lost the connection to the worker: ${message}` });
    case status.RESOURCE_EXHAUSTED:
      return new OverloadedError({ ...base, message });
    case status.INVALID_ARGUMENT:
      return new InvalidRequestError({ ...base, message });
    case status.FAILED_PRECONDITION:
      return new AgentUnavailableError({ ...base, message });
    default:
      return new InternalError({ ...base, message: `${status[error.code] ?? error.code}: ${message}` });
  }
}
