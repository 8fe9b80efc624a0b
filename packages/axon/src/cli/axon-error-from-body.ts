// A running `axon serve` answers every failure as `{error: {code, message, retryable, ...}}`
// (gateway/http-error.ts). The CLI turns that back into the AxonError the server raised, so a
// remote failure prints and exits exactly as a local one.
import { AxonError, type AxonErrorCode, type AxonErrorOptions } from "../errors/axon-error.js";
import {
  AgentNotFoundError,
  AgentUnavailableError,
  AxonTimeoutError,
  ConfigError,
  OverloadedError,
  WorkerCrashedError,
  WorkerStartError,
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
import type { GatewayErrorCode } from "../gateway/http-error.js";

type Body = Record<string, unknown>;
type Make = (options: AxonErrorOptions, body: Body, server: string) => AxonError;

const text = (value: unknown) => (typeof value === "string" ? value : undefined);
const integer = (value: unknown) => (typeof value === "number" ? value : undefined);

// Exhaustive: a new code fails the type check until it is mapped here.
const byCode: Record<AxonErrorCode, Make> = {
  invalid_request: (o) => new InvalidRequestError(o),
  agent_not_found: (o, b) =>
    new AgentNotFoundError({
      ...o,
      knownAgents: Array.isArray(b.knownAgents) ? b.knownAgents.map(String) : [],
    }),
  usage_limit_exceeded: (o) => new UsageLimitExceededError(o),
  unexpected_model_behavior: (o) => new UnexpectedModelBehaviorError(o),
  model_http_error: (o) => new ModelHttpError(o),
  model_api_error: (o) => new ModelApiError(o),
  output_validation: (o) => new OutputValidationError(o),
  user_error: (o) => new UserError(o),
  cancelled: (o) => new CancelledError(o),
  internal: (o) => new InternalError(o),
  config_error: (o) => new ConfigError(o),
  // The gateway keeps the worker's stderr on the server (it can hold paths and source).
  worker_start_failed: (o, b) =>
    new WorkerStartError({ ...o, stderr: "", exitCode: integer(b.exitCode), hint: text(b.hint) ?? "" }),
  // Its class composes the message from the hint and uv's output: the server's message has them already.
  python_setup_failed: (o) => new AxonError("python_setup_failed", o),
  worker_crashed: (o, b) => new WorkerCrashedError({ ...o, exitCode: integer(b.exitCode) }),
  agent_unavailable: (o, b) => new AgentUnavailableError({ ...o, workerDraining: b.workerDraining === true }),
  overloaded: (o) => new OverloadedError(o),
  timeout: (o, b) => new AxonTimeoutError({ ...o, timeoutMs: integer(b.timeoutMs) }),
};

// The gateway's own codes are not run failures: each one means the CLI was pointed or set up wrongly.
const byGatewayCode: Record<GatewayErrorCode, Make> = {
  unauthorized: (o, _b, server) =>
    new ConfigError({
      ...o,
      field: "token",
      message: `${server} refused the request: ${o.message}; pass its token with --token or AXON_TOKEN`,
    }),
  not_found: (o, _b, server) =>
    new ConfigError({
      ...o,
      field: "url",
      message: `${server}: ${o.message}; is --url (or AXON_URL) the address of an axon serve?`,
    }),
  run_not_found: (o) => new InvalidRequestError({ ...o, field: "runId" }),
  payload_too_large: (o) => new InvalidRequestError(o),
  // The CLI is no browser: it sends no Origin and always JSON; seen only behind an odd proxy.
  forbidden_origin: (o) => new ConfigError({ ...o, field: "url" }),
  unsupported_media_type: (o) => new InvalidRequestError({ ...o, field: "content-type" }),
  // An approval the server did not issue, or no longer accepts: the request was wrong, as the message says.
  approval_not_issued: (o) => new InvalidRequestError({ ...o, field: "approvals" }),
  approval_expired: (o) => new InvalidRequestError({ ...o, field: "approvals" }),
  approval_replayed: (o) => new InvalidRequestError({ ...o, field: "approvals" }),
  // The CLI runs on no thread yet; a client that does gets these as it sent the request.
  thread_not_found: (o) => new InvalidRequestError({ ...o, field: "threadId" }),
  thread_busy: (o) => new InvalidRequestError({ ...o, field: "onBusy" }),
  thread_exists: (o) => new InvalidRequestError({ ...o, field: "id" }),
  run_ended: (o) => new InvalidRequestError({ ...o, field: "runId" }),
  webhook_unsigned: (o) => new ConfigError({ ...o, field: "runs.webhookSecret" }),
};

/**
 * The AxonError for an error body of the gateway at `server` (the parsed JSON of a failed
 * response, or an SSE `error` event); `status` is the HTTP status, for bodies that are none.
 */
export function axonErrorFromBody(body: unknown, status: number, server: string): AxonError {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== "object" || error === null || typeof (error as Body).code !== "string") {
    return new AgentUnavailableError({
      message: `${server} answered HTTP ${status} without an axon error body; is it an axon serve?`,
    });
  }
  const fields = error as Body;
  const code = fields.code as string;
  const options: AxonErrorOptions = {
    message: text(fields.message) ?? `HTTP ${status}`,
    // Left out when absent: an explicit undefined would override a class's default.
    ...(typeof fields.retryable === "boolean" ? { retryable: fields.retryable } : {}),
    agent: text(fields.agent),
    runId: text(fields.runId),
    pythonType: text(fields.pythonType),
    statusCode: integer(fields.statusCode),
    field: text(fields.field),
    toolName: text(fields.toolName),
  };
  const make = Object.hasOwn(byCode, code)
    ? byCode[code as AxonErrorCode]
    : Object.hasOwn(byGatewayCode, code)
      ? byGatewayCode[code as GatewayErrorCode]
      : undefined;
  // A code of a newer server: keep it in the message rather than lose it.
  return make
    ? make(options, fields, server)
    : new InternalError({ ...options, message: `${code}: ${options.message}` });
}
