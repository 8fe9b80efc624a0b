// The way in: a request that continues a history (`/run`, `/stream`, `/chat`) may make the worker
// execute the tool calls the history leaves open, approved or not. The server trusts only what it
// issued (DESIGN.md): every open call must come back with its signature, unchanged, unexpired and
// unspent, and every approval must answer one of them. Otherwise nothing runs: 400 for a history
// with calls the server never issued, 409 for an approval it cannot accept (docs/gateway.md).
import type { Approvals } from "../tools/approvals.js";
import type { ApprovalSigner } from "./approval-signatures.js";
import { HttpError } from "./http-error.js";
import { type OpenToolCall, openToolCalls, withoutSignatures } from "./open-tool-calls.js";
import { PendingCallSigner } from "./pending-call-signer.js";
import type { UsedSignatures } from "./used-signatures.js";

/** Default cap on the open tool calls one continuation may carry (a model's parallel calls are far fewer). */
export const DEFAULT_MAX_PENDING_TOOL_CALLS = 64;

export interface ContinuationGuardOptions {
  signer: ApprovalSigner;
  used: UsedSignatures;
  /** Accept open calls without signatures (a trusted internal caller). Default: false. */
  trustClientHistory?: boolean;
  /** Most open tool calls a continuation may carry. Default: 64. */
  maxPendingToolCalls?: number;
}

export interface Continuation {
  prompt: string;
  messageHistory?: unknown[] | undefined;
  approvals?: Approvals | undefined;
}

export interface Admitted {
  /** The history for the worker: signature stamps removed. */
  messageHistory: unknown[] | undefined;
  /** Gives the spent signatures back, for a run refused before anything ran (429, 503). */
  release(): void;
}

type Refusal = "not_pending" | "unsigned" | "signature_mismatch" | "expired" | "replayed";

export class ContinuationGuard {
  private readonly trust: boolean;
  private readonly maxCalls: number;

  constructor(private readonly options: ContinuationGuardOptions) {
    this.trust = options.trustClientHistory ?? false;
    this.maxCalls = options.maxPendingToolCalls ?? DEFAULT_MAX_PENDING_TOOL_CALLS;
  }

  /** The signer of one run's way out. */
  issue(agent: string, runId: string): PendingCallSigner {
    return new PendingCallSigner(this.options.signer, agent, runId);
  }

  /** Checks a continuation and spends its signatures, all in one turn (no await: no race). */
  admit(agent: string, continuation: Continuation, now = Date.now()): Admitted {
    const { prompt, approvals = {} } = continuation;
    if (continuation.messageHistory === undefined) {
      const [first] = Object.keys(approvals);
      if (first !== undefined) throw refusal(first, undefined, "not_pending");
      return { messageHistory: undefined, release() {} };
    }
    const { history, signatures } = withoutSignatures(continuation.messageHistory);
    const open = openToolCalls(history);
    if (open.length > this.maxCalls) {
      throw new HttpError(
        400,
        "invalid_request",
        `messageHistory ends in ${open.length} open tool calls; a continuation may carry at most ${this.maxCalls} (maxPendingToolCalls)`,
        { field: "messageHistory", limit: this.maxCalls },
      );
    }
    const byId = new Map(open.map((call) => [call.toolCallId, call]));
    const stray = Object.keys(approvals).find((id) => !byId.has(id));
    if (stray !== undefined) throw refusal(stray, undefined, "not_pending");
    const released = { messageHistory: history, release() {} };
    if (open.length === 0) return released;
    if (prompt.length > 0) {
      const names = open.map((call) => `"${call.toolCallId}" (${call.toolName})`).join(", ");
      throw new HttpError(
        400,
        "invalid_request",
        `messageHistory ends in tool calls still open (${names}): continue it with an empty prompt and approvals`,
        { field: "prompt" },
      );
    }
    if (this.trust) return released;

    const spent: { id: string; expiresAt: number }[] = [];
    for (const call of open) {
      const answered = Object.hasOwn(approvals, call.toolCallId);
      const token = signatures.get(call.toolCallId);
      if (token === undefined) throw refusal(call.toolCallId, call, "unsigned", answered);
      const verdict = this.options.signer.verify(token, { ...call, agent }, now);
      if (!verdict.ok) throw refusal(call.toolCallId, call, verdict.reason, answered);
      // A signed call repeated in the history would run twice: the second copy is a replay too.
      const reused = this.options.used.has(verdict.id, now) || spent.some((s) => s.id === verdict.id);
      if (reused) throw refusal(call.toolCallId, call, "replayed", answered);
      spent.push({ id: verdict.id, expiresAt: verdict.expiresAt });
    }
    if (!this.options.used.addAll(spent, now)) {
      throw new HttpError(429, "overloaded", "too many approvals in flight; try again shortly", {
        retryable: true,
      });
    }
    return {
      messageHistory: history,
      release: () => this.options.used.deleteAll(spent.map((s) => s.id)),
    };
  }
}

const codes = {
  not_pending: "approval_not_issued",
  unsigned: "approval_not_issued",
  signature_mismatch: "approval_not_issued",
  expired: "approval_expired",
  replayed: "approval_replayed",
} as const;

const reasons: Record<Refusal, string> = {
  not_pending: "is no tool call pending in messageHistory (approvals answer only calls this server issued)",
  unsigned: "carries no signature of this server: it was not issued here",
  signature_mismatch:
    "does not match its signature: its tool, arguments or agent differ from the call this server issued",
  expired: "has a signature that expired: start the run again",
  replayed: "was already continued once: its signature is spent",
};

/**
 * An approval the server cannot accept is a 409 with a code for the reason; an open call nobody
 * decided on (it would run as it is) is a 400 `invalid_request` on `messageHistory`.
 */
function refusal(id: string, call: OpenToolCall | undefined, reason: Refusal, answered = true): HttpError {
  const what = call ? `tool call "${id}" (${call.toolName})` : `"${id}"`;
  const details = { reason, toolCallId: id, ...(call && { toolName: call.toolName }) };
  if (answered) {
    return new HttpError(409, codes[reason], `approval of ${what} refused: it ${reasons[reason]}`, {
      field: `approvals.${id}`,
      ...details,
    });
  }
  return new HttpError(
    400,
    "invalid_request",
    `messageHistory ends in ${what}, which ${reasons[reason]}; a continuation runs only the calls the server issued (send allMessages back unchanged)`,
    { field: "messageHistory", ...details },
  );
}
