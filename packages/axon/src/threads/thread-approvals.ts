// Approvals bound to the store (docs/threads.md "Approvals"): a thread run that pauses on
// `needsApproval` tools records each pending call (its id, tool and a digest of its arguments)
// in the transaction that appends its messages. A continuation is accepted only for calls this
// server recorded for this thread and still pending, with the arguments it recorded, once: the
// calls are claimed (pending -> approved/denied) by a conditional update before anything runs,
// and given back (-> pending) when the continuation fails or is cancelled, so they can be
// answered again. Whoever may run on the thread (the gateway's token) may answer its calls.
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { InvalidRequestError } from "../errors/worker-errors.js";
import { openToolCalls } from "../gateway/open-tool-calls.js";
import type { Database } from "../storage/database-types.js";
import type { Approvals, PendingApproval } from "../tools/approvals.js";
import { canonicalJson } from "../tools/canonical-json.js";
import { ThreadError } from "./thread-errors.js";

/** A call a thread's run paused on, as the server stored it. */
export interface ThreadPendingApproval extends PendingApproval {
  /** The run that paused on it. */
  runId: string;
}

/** SHA-256 over the arguments as canonical JSON (keys sorted); a JSON string is read first. */
export function argsDigest(args: unknown): string {
  let value = args;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      // not JSON: digest the string itself
    }
  }
  return createHash("sha256")
    .update(canonicalJson(value ?? {}))
    .digest("hex");
}

/** Records a paused run's calls (inside `finishRun`'s transaction). */
export async function recordPending(
  trx: Transaction<Database>,
  runId: string,
  pending: readonly PendingApproval[],
): Promise<void> {
  if (pending.length === 0) return;
  await trx
    .insertInto("pending_approvals")
    .values(
      pending.map((call) => ({
        run_id: runId,
        tool_call_id: call.toolCallId,
        tool_name: call.toolName,
        args_digest: argsDigest(call.args),
        state: "pending" as const,
        answered_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(["run_id", "tool_call_id"]).doNothing())
    .execute();
}

export class ThreadApprovals {
  constructor(private readonly db: Kysely<Database>) {}

  private rows(threadId: string, db: Kysely<Database> | Transaction<Database> = this.db) {
    return db
      .selectFrom("pending_approvals")
      .innerJoin("runs", "runs.id", "pending_approvals.run_id")
      .select([
        "pending_approvals.run_id as runId",
        "pending_approvals.tool_call_id as toolCallId",
        "pending_approvals.tool_name as toolName",
        "pending_approvals.args_digest as digest",
        "pending_approvals.state as state",
      ])
      .where("runs.thread_id", "=", threadId)
      .execute();
  }

  /** The calls of the thread still waiting for an answer, with their arguments from the history. */
  async pending(threadId: string, history: readonly unknown[]): Promise<ThreadPendingApproval[]> {
    const open = new Map(openToolCalls(history).map((call) => [call.toolCallId, call]));
    return (await this.rows(threadId))
      .filter((row) => row.state === "pending" && open.has(row.toolCallId))
      .map((row) => ({
        runId: row.runId,
        toolCallId: row.toolCallId,
        toolName: row.toolName,
        args: normalArgs(open.get(row.toolCallId)?.args),
      }));
  }

  /**
   * Claims every decision of `approvals` at once, or none: each must answer a call this thread's
   * runs paused on, still pending, whose arguments in `history` are the ones recorded, and every
   * pending call must be answered. Returns what `release` gives back.
   * @throws ThreadError `approval_not_issued` / `approval_replayed`; InvalidRequestError for an unanswered call.
   */
  async claim(threadId: string, approvals: Approvals, history: readonly unknown[]): Promise<string[]> {
    const open = new Map(openToolCalls(history).map((call) => [call.toolCallId, call]));
    return this.db.transaction().execute(async (trx) => {
      const rows = await this.rows(threadId, trx);
      const byId = new Map(rows.map((row) => [row.toolCallId, row]));
      const ids = Object.keys(approvals);
      for (const id of ids) {
        const row = byId.get(id);
        const call = open.get(id);
        if (!row)
          throw refused("approval_not_issued", threadId, id, "is no call this thread's runs paused on");
        if (row.state !== "pending") {
          throw refused(
            "approval_replayed",
            threadId,
            id,
            `was answered already (${row.state})`,
            row.toolName,
          );
        }
        if (!call || call.toolName !== row.toolName || argsDigest(call.args) !== row.digest) {
          throw refused(
            "approval_not_issued",
            threadId,
            id,
            "differs from the call this server issued (tool or arguments)",
            row.toolName,
          );
        }
      }
      const unanswered = rows.find(
        (row) => row.state === "pending" && open.has(row.toolCallId) && !ids.includes(row.toolCallId),
      );
      if (unanswered) {
        throw new InvalidRequestError({
          message: `tool call "${unanswered.toolCallId}" (${unanswered.toolName}) is pending too: answer every pending call`,
          field: `approvals.${unanswered.toolCallId}`,
        });
      }
      for (const id of ids) {
        const row = byId.get(id);
        if (!row) continue;
        // Conditional: of two continuations racing (two replicas), only one moves the row.
        const updated = await trx
          .updateTable("pending_approvals")
          .set({ state: approvals[id] === true ? "approved" : "denied", answered_at: new Date() })
          .where("run_id", "=", row.runId)
          .where("tool_call_id", "=", id)
          .where("state", "=", "pending")
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) {
          throw refused("approval_replayed", threadId, id, "was answered already", row.toolName);
        }
      }
      return ids;
    });
  }

  /** Gives claimed calls back (their continuation failed or was cancelled: nothing was appended). */
  async release(threadId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const runs = this.db.selectFrom("runs").select("id").where("thread_id", "=", threadId);
    await this.db
      .updateTable("pending_approvals")
      .set({ state: "pending", answered_at: null })
      .where("tool_call_id", "in", [...ids])
      .where("run_id", "in", runs)
      .execute();
  }

  /** Whether the thread has calls waiting for an answer (a new prompt is refused meanwhile). */
  async hasPending(threadId: string, history: readonly unknown[]): Promise<boolean> {
    return (await this.pending(threadId, history)).length > 0;
  }
}

function normalArgs(args: unknown): unknown {
  if (typeof args !== "string") return args ?? {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function refused(
  code: "approval_not_issued" | "approval_replayed",
  threadId: string,
  toolCallId: string,
  reason: string,
  toolName?: string,
): ThreadError {
  const what = toolName ? `tool call "${toolCallId}" (${toolName})` : `"${toolCallId}"`;
  return new ThreadError(code, `approval of ${what} refused: it ${reason}`, threadId, {
    toolCallId,
    field: `approvals.${toolCallId}`,
    ...(toolName && { toolName }),
  });
}
