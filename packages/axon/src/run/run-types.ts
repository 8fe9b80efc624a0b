import type { PendingApproval } from "../tools/approvals.js";

/** Token and request counts of a run (pydantic-ai v2 `RunUsage`). */
export interface RunUsage {
  requests: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** What a finished run answers. */
export interface RunResult<T = unknown> {
  /** The agent's output: a string for text agents, the parsed JSON for structured ones. */
  output: T;
  usage: RunUsage;
  /** Messages this run added (pydantic-ai messages JSON). */
  newMessages: unknown[];
  /** The whole history after this run; pass it as `messageHistory` to continue the conversation. */
  allMessages: unknown[];
  runId: string;
  /** The model that answered. */
  model: string;
  /**
   * The W3C trace id of the run (32 hex digits): find it in a tracing backend; a continuation
   * passes `metadata.traceparent` to stay in it (docs/observability.md). Set by `run()`/`stream()`.
   */
  traceId?: string;
  /** The run span's W3C `traceparent`: a continuation that passes it as `metadata.traceparent` joins the run's trace. */
  traceparent?: string;
  /**
   * Set when the run ended waiting for approval of `needsApproval` host tool calls; `output` is
   * then null. Continue with `messageHistory: allMessages` and `approvals` (docs/tools.md).
   */
  pendingApprovals?: PendingApproval[];
}

/** One event of a streamed run; the last one is always `result`. */
export type RunEvent<T = unknown> =
  | { type: "text-delta"; text: string }
  /** The structured output so far; each one supersedes the previous. */
  | { type: "output-delta"; partial: unknown }
  | { type: "thinking-delta"; text: string }
  | { type: "tool-call"; toolCallId: string; toolName: string; args: unknown }
  /** `result` when the tool returned, `retry` when the model was asked to try again. */
  | { type: "tool-result"; toolCallId: string; toolName: string; result?: unknown; retry?: string }
  /** A `needsApproval` host tool call waiting for the caller's decision; the run ends after these. */
  | { type: "tool-approval-request"; toolCallId: string; toolName: string; args: unknown }
  | { type: "result"; result: RunResult<T> };

/** A streamed run: iterate it for events, or await `result`. */
export interface RunStream<T = unknown> extends AsyncIterable<RunEvent<T>> {
  /** Settles with the run: its result, or the error that ended it. */
  readonly result: Promise<RunResult<T>>;
  /** Cancels the run (on the worker too); `result` rejects with `CancelledError`. */
  cancel(): void;
  readonly runId: string;
}
