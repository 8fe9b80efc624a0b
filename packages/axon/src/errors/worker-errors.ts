import { AxonError, type AxonErrorOptions } from "./axon-error.js";

// One class per `ErrorKind` a worker can answer with (docs/errors.md). They add nothing but
// a name and a code, so `catch (e) { if (e instanceof UsageLimitExceededError) ... }` reads well.

/** The request was malformed (bad message history, deps, model settings...); see `field`. */
export class InvalidRequestError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("invalid_request", options);
  }
}

/** A run hit one of its `usageLimits`. */
export class UsageLimitExceededError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("usage_limit_exceeded", options);
  }
}

/** The model answered something pydantic-ai could not use; `toolName` when a tool's retries ran out. */
export class UnexpectedModelBehaviorError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("unexpected_model_behavior", options);
  }
}

/** The model provider answered with an HTTP error; `statusCode` holds it. */
export class ModelHttpError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("model_http_error", options);
  }
}

/** The model provider's API failed in another way (connection, auth, ...). */
export class ModelApiError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("model_api_error", options);
  }
}

/** The agent's output retries ran out: the model never gave an output that passed validation. */
export class OutputValidationError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("output_validation", options);
  }
}

/** The agent was used wrongly (pydantic-ai `UserError`), e.g. a model name it cannot resolve. */
export class UserError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("user_error", options);
  }
}

/** The run was cancelled: by an `AbortSignal`, `cancel()`, or the agent's own code (`RunCancelled`). */
export class CancelledError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("cancelled", options);
  }
}

/** Anything else that went wrong inside the worker (a bug in a tool, in the worker...). */
export class InternalError extends AxonError {
  constructor(options: AxonErrorOptions) {
    super("internal", options);
  }
}
