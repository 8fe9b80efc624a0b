// The threads' own refusals. The gateway answers them with their codes (404 `thread_not_found`,
// 409 `thread_busy`, `approval_not_issued`, `approval_replayed`); run failures stay the run's `AxonError`s.
export type ThreadErrorCode =
  | "thread_not_found"
  | "thread_busy"
  | "thread_exists"
  | "approval_not_issued"
  | "approval_replayed";

export class ThreadError extends Error {
  constructor(
    readonly code: ThreadErrorCode,
    message: string,
    readonly threadId: string,
    /** Facts for the answer's body (the refused `toolCallId`, its `field`). Default: none. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ThreadError";
  }
}

export function threadNotFound(threadId: string): ThreadError {
  return new ThreadError("thread_not_found", `no thread "${threadId}"`, threadId);
}

export function isThreadError(error: unknown): error is ThreadError {
  return error instanceof ThreadError;
}
