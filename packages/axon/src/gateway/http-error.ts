// Every error the gateway answers is JSON `{error: {code, message, retryable, ...}}` with a
// status that fits its code. Never an HTML page, never a stack trace (Python tracebacks are
// logged on the host, not sent: they can hold paths and source lines).
import type { AxonErrorCode } from "../errors/axon-error.js";
import { isAxonError } from "../errors/axon-error.js";

/** The gateway's own codes, beside the library's `AxonErrorCode`s. */
export type GatewayErrorCode =
  | "unauthorized"
  | "forbidden_origin"
  | "not_found"
  | "run_not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "approval_not_issued"
  | "approval_expired"
  | "approval_replayed"
  | "thread_not_found"
  | "thread_busy"
  | "thread_exists"
  | "run_ended"
  | "webhook_unsigned";

export type ErrorCode = AxonErrorCode | GatewayErrorCode;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; retryable: boolean; field?: string; [extra: string]: unknown };
}

/** An error raised by the gateway itself (bad body, bad token, unknown route). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

// 499 is nginx's "client closed request": the run was cancelled, by this client or another.
const statusByCode: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  agent_not_found: 404,
  not_found: 404,
  run_not_found: 404,
  thread_not_found: 404,
  forbidden_origin: 403,
  // 409: the request conflicts with what the server issued (docs/gateway.md "Approvals over HTTP").
  approval_not_issued: 409,
  approval_expired: 409,
  approval_replayed: 409,
  // 409: the thread has a run in progress and the message said `onBusy: "reject"` (docs/threads.md).
  thread_busy: 409,
  thread_exists: 409,
  // 409: a cancel of a stored run that had ended already.
  run_ended: 409,
  // 400: a run asked for a webhook, and this server has no secret to sign it with.
  webhook_unsigned: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  usage_limit_exceeded: 422,
  overloaded: 429,
  cancelled: 499,
  internal: 500,
  user_error: 500,
  config_error: 500,
  unexpected_model_behavior: 502,
  model_http_error: 502,
  model_api_error: 502,
  output_validation: 502,
  worker_crashed: 502,
  agent_unavailable: 503,
  worker_start_failed: 503,
  python_setup_failed: 503,
  timeout: 504,
};

export function statusForCode(code: ErrorCode): number {
  return statusByCode[code] ?? 500;
}

// Fields of `AxonError.toJSON()` that stay on the host.
const privateFields = new Set(["name", "pythonTraceback", "stderr", "cause", "stack"]);

/** The status and JSON body for anything thrown while handling a request. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    const body = { code: error.code, message: error.message, retryable: false, ...error.details };
    return { status: error.status, body: { error: body } };
  }
  if (isAxonError(error)) {
    const json: Record<string, unknown> = { ...error.toJSON() };
    for (const key of privateFields) delete json[key];
    return {
      status: statusForCode(error.code),
      body: { error: { ...json, code: error.code, message: error.message, retryable: error.retryable } },
    };
  }
  return {
    status: 500,
    body: {
      error: { code: "internal", message: "internal error (see the gateway's log)", retryable: false },
    },
  };
}
