// Threads and their runs in the store. Every statement is built by Kysely with bound
// parameters; a run's messages are appended in one transaction with its final status.
import type { Kysely, Transaction } from "kysely";
import type { Database, RunStatus } from "../storage/database-types.js";
import type { PendingApproval } from "../tools/approvals.js";
import { recordPending } from "./thread-approvals.js";

export interface ThreadInfo {
  id: string;
  /** The agent a run uses when it names none; null when each run must name one. */
  agent: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

export interface ThreadPage {
  threads: ThreadInfo[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

type ThreadRow = {
  id: string;
  agent: string | null;
  metadata: string;
  created_at: Date;
  updated_at: Date;
  message_count: number;
};

const toInfo = (row: ThreadRow): ThreadInfo => ({
  id: row.id,
  agent: row.agent,
  metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
  messageCount: row.message_count,
});

const columns = ["id", "agent", "metadata", "created_at", "updated_at", "message_count"] as const;

export class ThreadStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(id: string, agent: string | null, metadata: Record<string, unknown>): Promise<ThreadInfo> {
    const row = await this.db
      .insertInto("threads")
      // Whole milliseconds, set here: the list's cursor holds a JS date, which has no microseconds.
      .values({
        id,
        agent,
        metadata: JSON.stringify(metadata),
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning(columns)
      .executeTakeFirstOrThrow();
    return toInfo(row);
  }

  async get(id: string): Promise<ThreadInfo | undefined> {
    const row = await this.db.selectFrom("threads").select(columns).where("id", "=", id).executeTakeFirst();
    return row && toInfo(row);
  }

  /** Newest first; `cursor` is the `nextCursor` of the page before. */
  async list(limit: number, cursor?: string): Promise<ThreadPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    let query = this.db.selectFrom("threads").select(columns);
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb("created_at", "<", after.createdAt),
          eb.and([eb("created_at", "=", after.createdAt), eb("id", "<", after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit).map(toInfo);
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor(last) : null;
    return { threads: page, nextCursor };
  }

  /** False when there was no such thread. Its messages and runs go with it. */
  async delete(id: string): Promise<boolean> {
    const rows = await this.db.deleteFrom("threads").where("id", "=", id).returning("id").execute();
    return rows.length > 0;
  }

  /** The thread's pydantic-ai message history, in order. */
  async history(id: string): Promise<unknown[]> {
    const rows = await this.db
      .selectFrom("thread_messages")
      .select("message")
      .where("thread_id", "=", id)
      .orderBy("seq")
      .execute();
    return rows.map((row) => JSON.parse(row.message) as unknown);
  }

  /** A background run's row exists already (queued by `axon.runs`): it turns running. False: the id is another run's. */
  async startRun(run: {
    id: string;
    threadId: string;
    agent: string;
    onBusy: string;
    owner: string | null;
  }): Promise<boolean> {
    const now = new Date();
    const row = await this.db
      .insertInto("runs")
      .values({
        id: run.id,
        thread_id: run.threadId,
        agent: run.agent,
        status: "running",
        on_busy: run.onBusy,
        started_at: now,
        owner: run.owner,
        heartbeat_at: now,
      })
      // Only a queued row of this thread is this run's own: any other run id in use is refused.
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({ status: "running", agent: run.agent, started_at: now, heartbeat_at: now })
          .where("runs.status", "=", "queued")
          .where("runs.thread_id", "=", run.threadId),
      )
      .returning("id")
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Ends a run: its status, its error, and (in the same transaction) the messages it adds to
   * its thread after the ones already there. A thread deleted meanwhile takes the run with it.
   */
  async finishRun(end: {
    runId: string;
    threadId: string;
    status: Exclude<RunStatus, "queued" | "running">;
    messages?: unknown[];
    error?: { code: string; message: string };
    /** Kept for `GET /v1/runs/:id` (without `allMessages`: the thread holds them). */
    result?: unknown;
    /** The calls a paused run waits on, recorded with its messages (thread-approvals.ts). */
    pending?: readonly PendingApproval[];
  }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (end.messages && end.messages.length > 0) await append(trx, end.threadId, end.runId, end.messages);
      if (end.pending) await recordPending(trx, end.runId, end.pending);
      await trx
        .updateTable("runs")
        .set({
          status: end.status,
          ended_at: new Date(),
          error: end.error ? JSON.stringify(end.error) : null,
          result: end.result === undefined ? null : JSON.stringify(end.result),
          owner: null,
        })
        .where("id", "=", end.runId)
        .execute();
    });
  }
}

async function append(trx: Transaction<Database>, threadId: string, runId: string, messages: unknown[]) {
  // The row lock orders appends to one thread, across gateway replicas too.
  const thread = await trx
    .selectFrom("threads")
    .select("message_count")
    .where("id", "=", threadId)
    .forUpdate()
    .executeTakeFirst();
  if (!thread) return;
  const first = thread.message_count;
  await trx
    .insertInto("thread_messages")
    .values(
      messages.map((message, i) => ({
        thread_id: threadId,
        seq: first + i,
        run_id: runId,
        message: JSON.stringify(message),
      })),
    )
    .execute();
  await trx
    .updateTable("threads")
    .set({ message_count: first + messages.length, updated_at: new Date() })
    .where("id", "=", threadId)
    .execute();
}

function encodeCursor(thread: ThreadInfo): string {
  return Buffer.from(JSON.stringify([thread.createdAt, thread.id])).toString("base64url");
}

/** An unreadable cursor is a bad request, named by the caller (see `isCursor`). */
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
  return { createdAt: new Date(createdAt), id };
}

/** Whether `cursor` is one `list` handed out (shape only). */
export function isCursor(cursor: string): boolean {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    return (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "string" &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === "string"
    );
  } catch {
    return false;
  }
}
