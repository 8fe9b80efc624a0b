// The refusals of `axon.runs`, answered by the gateway with their codes (404 `run_not_found`,
// 409 `run_ended`, 400 `invalid_request` for a webhook the config cannot sign).
import { isAxonError } from "../errors/axon-error.js";
import { isThreadError } from "../threads/thread-errors.js";

export type RunErrorCode = "run_not_found" | "run_ended" | "webhook_unsigned";

export class RunError extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
    readonly runId: string,
  ) {
    super(message);
    this.name = "RunError";
  }
}

export function isRunError(error: unknown): error is RunError {
  return error instanceof RunError;
}

/** An error as a stored run keeps it and its stream's `error` event carries it. */
export function errorFacts(error: unknown): { code: string; message: string; retryable: boolean } {
  if (isAxonError(error)) return { code: error.code, message: error.message, retryable: error.retryable };
  if (isThreadError(error) || isRunError(error))
    return { code: error.code, message: error.message, retryable: false };
  return {
    code: "internal",
    message: error instanceof Error ? error.message : String(error),
    retryable: false,
  };
}
