// The way out: a paused run's open tool calls get their signatures (approval-signatures.ts) on
// everything that carries them to the client — the `tool-approval-request` event, the result's
// `pendingApprovals`, and the call parts of `allMessages` / `newMessages`, so that a client which
// sends `allMessages` back unchanged carries them without knowing.
import type { PendingApproval } from "../tools/approvals.js";
import type { ApprovalSigner } from "./approval-signatures.js";
import type { RunEvent, RunResult } from "./axon-types.js";
import { type OpenToolCall, openToolCalls, withSignatures } from "./open-tool-calls.js";

export type SignedPendingApproval = PendingApproval & { signature: string };
export type SignedRunResult<T = unknown> = Omit<RunResult<T>, "pendingApprovals"> & {
  pendingApprovals?: SignedPendingApproval[];
};
/** A run's events as the gateway sends them: approval requests and the result signed. */
export type SignedRunEvent =
  | Exclude<RunEvent, { type: "tool-approval-request" } | { type: "result" }>
  | (Extract<RunEvent, { type: "tool-approval-request" }> & { signature: string })
  | { type: "result"; result: SignedRunResult };

export class PendingCallSigner {
  // One expiry for the run: a call signed on its event and again in the result signs alike.
  private readonly expiresAt: number;

  constructor(
    private readonly signer: ApprovalSigner,
    private readonly agent: string,
    private readonly runId: string,
    now = Date.now(),
  ) {
    this.expiresAt = now + signer.ttlMs;
  }

  signature(call: OpenToolCall): string {
    return this.signer.sign({ ...call, agent: this.agent, runId: this.runId }, this.expiresAt);
  }

  event(event: RunEvent): SignedRunEvent {
    if (event.type === "tool-approval-request") return { ...event, signature: this.signature(event) };
    if (event.type === "result") return { type: "result", result: this.result(event.result) };
    return event;
  }

  result<T>(result: RunResult<T>): SignedRunResult<T> {
    // Signed as the history shows the calls: that is what a continuation is checked against.
    const open = openToolCalls(result.allMessages);
    if (open.length === 0) return result as SignedRunResult<T>;
    const signatures = new Map(open.map((call) => [call.toolCallId, this.signature(call)]));
    const allMessages = withSignatures(result.allMessages, signatures);
    const newMessages = allMessages.slice(allMessages.length - result.newMessages.length);
    const { pendingApprovals, ...rest } = result;
    const signed = pendingApprovals?.map((pending) => ({
      ...pending,
      signature: signatures.get(pending.toolCallId) ?? this.signature(pending),
    }));
    return { ...rest, allMessages, newMessages, ...(signed && { pendingApprovals: signed }) };
  }
}
