/**
 * Every error Axon raises, host-side or from a worker, is an `AxonError` with a `code` from
 * this closed union. The worker kinds mirror `ErrorKind` in proto/axon/v1/errors.proto; the
 * rest are the host's own. docs/errors.md lists them all.
 */
export type AxonErrorCode =
  | "invalid_request"
  | "agent_not_found"
  | "usage_limit_exceeded"
  | "unexpected_model_behavior"
  | "model_http_error"
  | "model_api_error"
  | "output_validation"
  | "user_error"
  | "cancelled"
  | "internal"
  | "config_error"
  | "worker_start_failed"
  | "python_setup_failed"
  | "worker_crashed"
  | "agent_unavailable"
  | "overloaded"
  | "timeout";

/** What every error class accepts; all fields but `message` are optional. */
export interface AxonErrorOptions {
  message: string;
  /** Default: the class's own default (false for most kinds). */
  retryable?: boolean;
  agent?: string;
  runId?: string;
  cause?: unknown;
  /** The Python exception's qualified type, for errors raised in a worker. */
  pythonType?: string;
  /** The Python traceback, for errors raised in a worker. */
  pythonTraceback?: string;
  /** The model provider's HTTP status, for `model_http_error`. */
  statusCode?: number;
  /** Where the bad input was, for `invalid_request` and `config_error`. */
  field?: string;
  /** The tool whose retries ran out, for `unexpected_model_behavior` (the worker's `ErrorDetail.tool_name`). */
  toolName?: string;
}

/** The shape `toJSON()` returns: what the gateway sends to HTTP clients. */
export interface AxonErrorJSON {
  name: string;
  code: AxonErrorCode;
  message: string;
  retryable: boolean;
  agent?: string;
  runId?: string;
  pythonType?: string;
  pythonTraceback?: string;
  statusCode?: number;
  field?: string;
  toolName?: string;
  [extra: string]: unknown;
}

// A registered symbol, so two copies of this package (e.g. a CLI and a library in one
// process) still recognise each other's errors, where `instanceof` would not.
const brand = Symbol.for("axon.error");

export class AxonError extends Error {
  readonly code: AxonErrorCode;
  readonly retryable: boolean;
  agent: string | undefined;
  runId: string | undefined;
  readonly pythonType: string | undefined;
  readonly pythonTraceback: string | undefined;
  readonly statusCode: number | undefined;
  readonly field: string | undefined;
  readonly toolName: string | undefined;

  constructor(code: AxonErrorCode, options: AxonErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.agent = options.agent;
    this.runId = options.runId;
    this.pythonType = options.pythonType;
    this.pythonTraceback = options.pythonTraceback;
    this.statusCode = options.statusCode;
    this.field = options.field;
    this.toolName = options.toolName;
    Object.defineProperty(this, brand, { value: true });
  }

  /** Extra fields a subclass adds to `toJSON()`. */
  protected extraJSON(): Record<string, unknown> {
    return {};
  }

  toJSON(): AxonErrorJSON {
    const json: AxonErrorJSON = {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      agent: this.agent,
      runId: this.runId,
      pythonType: this.pythonType,
      pythonTraceback: this.pythonTraceback,
      statusCode: this.statusCode,
      field: this.field,
      toolName: this.toolName,
      ...this.extraJSON(),
    };
    for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
    return json;
  }
}

/** True for any `AxonError`, even one made by another copy of this package. */
export function isAxonError(error: unknown): error is AxonError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[brand] === true;
}
