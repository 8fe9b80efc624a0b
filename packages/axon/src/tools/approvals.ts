import type { DeferredToolResult, ToolCall } from "../gen/axon/v1/run.js";
import { parseJsonBytes } from "../transport/map-run-event.js";

/** A call the model made to a `needsApproval` tool, waiting for the caller's decision. */
export interface PendingApproval {
  toolCallId: string;
  toolName: string;
  args: unknown;
}

/**
 * The caller's decision on one pending call: `true` runs it, `false` or `{ denied }` tells the
 * model it was refused (with the reason, when given).
 */
export type ApprovalDecision = boolean | { denied: string };

/** Decisions by tool call id, as `RunOptions.approvals` takes them. */
export type Approvals = Record<string, ApprovalDecision>;

/** pydantic-ai's own words for a denial without a reason (`ToolDenied.message`). */
export const DEFAULT_DENIED_MESSAGE = "The tool call was denied.";

export function toPendingApprovals(calls: ToolCall[]): PendingApproval[] {
  return calls.map((call) => ({
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    args: parseJsonBytes(call.argsJson, {}),
  }));
}

/** The decisions as `deferred_tool_results`, mapped to pydantic-ai's `ToolApproved` / `ToolDenied`. */
export function toApprovalResults(approvals: Approvals | undefined): DeferredToolResult[] {
  return Object.entries(approvals ?? {}).map(([toolCallId, decision]) => ({
    toolCallId,
    result: {
      $case: "approval",
      value: {
        approved: decision === true,
        deniedMessage: typeof decision === "object" ? decision.denied : "",
        overrideArgsJson: Buffer.alloc(0),
      },
    },
  }));
}
