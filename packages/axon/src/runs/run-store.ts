// Stored runs and their event log, through Kysely (bound parameters only). A run belongs to
// the process (`owner`) that runs it or holds it queued; the owner refreshes `heartbeat_at`, and
// a run whose heartbeat went stale belonged to a process that died.
import type { Kysely } from "kysely";
import type { Database, RunStatus } from "../storage/database-types.js";

export type EndStatus = Exclude<RunStatus, "queued" | "running">;

export interface RunInfo {
  id: string;
  threadId: string | null;
  agent: string;
  status: RunStatus;
  background: boolean;
  /** The run's result once it succeeded; null before, or when it failed. */
  result: unknown;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface StoredEvent {
  seq: number;
  type: string;
  data: unknown;
}

export interface RunInput {
  prompt: string;
  options: Record<string, unknown>;
  onBusy?: string;
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

export const isEnded = (status: RunStatus) => status !== "queued" && status !== "running";

export class RunStore {
  constructor(readonly db: Kysely<Database>) {}

  async insertQueued(run: {
    id: string;
    agent: string;
    threadId: string | null;
    owner: string;
    input: RunInput;
    webhookUrl: string | null;
    chatId?: string | null;
    onBusy?: string | null;
  }): Promise<void> {
    await this.db
      .insertInto("runs")
      .values({
        id: run.id,
        thread_id: run.threadId,
        agent: run.agent,
        status: "queued",
        on_busy: run.onBusy ?? null,
        background: true,
        input: JSON.stringify(run.input),
        webhook_url: run.webhookUrl,
        owner: run.owner,
        heartbeat_at: new Date(),
        chat_id: run.chatId ?? null,
      })
      .execute();
  }

  /** A run its caller runs itself (the chat endpoint), stored running. */
  async insertRunning(run: {
    id: string;
    agent: string;
    owner: string;
    chatId: string | null;
  }): Promise<void> {
    const now = new Date();
    await this.db
      .insertInto("runs")
      .values({
        id: run.id,
        thread_id: null,
        agent: run.agent,
        status: "running",
        background: true,
        owner: run.owner,
        heartbeat_at: now,
        started_at: now,
        chat_id: run.chatId,
      })
      .execute();
  }

  async exists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom("runs").select("id").where("id", "=", id).executeTakeFirst();
    return row !== undefined;
  }

  async get(id: string): Promise<RunInfo | undefined> {
    const row = await this.db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      threadId: row.thread_id,
      agent: row.agent,
      status: row.status,
      background: row.background,
      result: row.result === null ? null : (JSON.parse(row.result) as unknown),
      error: row.error === null ? null : (JSON.parse(row.error) as RunInfo["error"]),
      createdAt: iso(row.created_at) as string,
      startedAt: iso(row.started_at),
      endedAt: iso(row.ended_at),
    };
  }

  async webhookOf(id: string): Promise<string | null> {
    const row = await this.db
      .selectFrom("runs")
      .select("webhook_url")
      .where("id", "=", id)
      .executeTakeFirst();
    return row?.webhook_url ?? null;
  }

  /** Marks a stored run running (a thread run's row is made here when none was queued). */
  async markRunning(id: string): Promise<void> {
    await this.db
      .updateTable("runs")
      .set({ status: "running", started_at: new Date(), heartbeat_at: new Date() })
      .where("id", "=", id)
      .where("status", "=", "queued")
      .execute();
  }

  /** Ends a run that is not ended yet; false when it had ended (or is gone). */
  async finish(
    id: string,
    end: { status: EndStatus; result?: unknown; error?: { code: string; message: string } },
  ): Promise<boolean> {
    const rows = await this.db
      .updateTable("runs")
      .set({
        status: end.status,
        ended_at: new Date(),
        result: end.result === undefined ? null : JSON.stringify(end.result),
        error: end.error ? JSON.stringify(end.error) : null,
        owner: null,
      })
      .where("id", "=", id)
      .where("status", "in", ["queued", "running"])
      .returning("id")
      .execute();
    return rows.length > 0;
  }

  /** Asks the owner (on any replica) to cancel it; false when it had ended. */
  async requestCancel(id: string): Promise<boolean> {
    const rows = await this.db
      .updateTable("runs")
      .set({ cancel_requested: true })
      .where("id", "=", id)
      .where("status", "in", ["queued", "running"])
      .returning("id")
      .execute();
    return rows.length > 0;
  }

  /** Refreshes this owner's runs; answers the ids a replica asked to cancel. */
  async heartbeat(owner: string): Promise<string[]> {
    const rows = await this.db
      .updateTable("runs")
      .set({ heartbeat_at: new Date() })
      .where("owner", "=", owner)
      .where("status", "in", ["queued", "running"])
      .returning(["id", "cancel_requested"])
      .execute();
    return rows.filter((row) => row.cancel_requested).map((row) => row.id);
  }

  /**
   * Runs whose owner died: the running ones (and those of `deadOwners`) become `interrupted`;
   * answers the ids (with their thread) so that their end can be told.
   */
  async interruptOrphans(staleBefore: Date, except: string): Promise<string[]> {
    const rows = await this.db
      .updateTable("runs")
      .set({
        status: "interrupted",
        ended_at: new Date(),
        owner: null,
        error: JSON.stringify({
          code: "interrupted",
          message: "the process running it stopped before it ended",
        }),
      })
      .where("status", "=", "running")
      .where((eb) => eb.or([eb("heartbeat_at", "is", null), eb("heartbeat_at", "<", staleBefore)]))
      .where((eb) => eb.or([eb("owner", "is", null), eb("owner", "!=", except)]))
      .returning("id")
      .execute();
    return rows.map((row) => row.id);
  }

  /** Takes one queued run a dead process held (or none); `FOR UPDATE SKIP LOCKED`: one replica each. */
  async claimOrphanQueued(
    staleBefore: Date,
    owner: string,
  ): Promise<
    | { id: string; agent: string; threadId: string | null; input: RunInput; cancelRequested: boolean }
    | undefined
  > {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("runs")
        .select(["id", "agent", "thread_id", "input", "cancel_requested"])
        .where("status", "=", "queued")
        .where((eb) => eb.or([eb("owner", "is", null), eb("owner", "!=", owner)]))
        .where((eb) => eb.or([eb("heartbeat_at", "is", null), eb("heartbeat_at", "<", staleBefore)]))
        .orderBy("created_at")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return undefined;
      await trx
        .updateTable("runs")
        .set({ owner, heartbeat_at: new Date() })
        .where("id", "=", row.id)
        .execute();
      const input: RunInput = row.input ? (JSON.parse(row.input) as RunInput) : { prompt: "", options: {} };
      return {
        id: row.id,
        agent: row.agent,
        threadId: row.thread_id,
        input,
        cancelRequested: row.cancel_requested,
      };
    });
  }

  /** Gives a queued run back (this process stops): the next process to look picks it up. */
  async releaseQueued(id: string): Promise<void> {
    await this.db
      .updateTable("runs")
      .set({ owner: null, heartbeat_at: null })
      .where("id", "=", id)
      .where("status", "=", "queued")
      .execute();
  }

  async appendEvents(runId: string, events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db
      .insertInto("run_events")
      .values(events.map((e) => ({ run_id: runId, seq: e.seq, type: e.type, data: JSON.stringify(e.data) })))
      .execute();
  }

  /** Keeps the newest `keep` events of a run whose last one is `lastSeq`. */
  async trimEvents(runId: string, lastSeq: number, keep: number): Promise<void> {
    if (lastSeq <= keep) return;
    await this.db
      .deleteFrom("run_events")
      .where("run_id", "=", runId)
      .where("seq", "<=", lastSeq - keep)
      .execute();
  }

  async deleteEventsBefore(before: Date): Promise<void> {
    await this.db.deleteFrom("run_events").where("created_at", "<", before).execute();
  }

  async eventsAfter(runId: string, after: number, limit = 500): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom("run_events")
      .select(["seq", "type", "data"])
      .where("run_id", "=", runId)
      .where("seq", ">", after)
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((row) => ({ seq: row.seq, type: row.type, data: JSON.parse(row.data) as unknown }));
  }

  async status(runId: string): Promise<RunStatus | undefined> {
    const row = await this.db.selectFrom("runs").select("status").where("id", "=", runId).executeTakeFirst();
    return row?.status;
  }

  /** The newest run answering this AI SDK chat that has not ended. */
  async activeChatRun(chatId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("runs")
      .select("id")
      .where("chat_id", "=", chatId)
      .where("status", "in", ["queued", "running"])
      .orderBy("created_at", "desc")
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }
}

/** `now() - ms`, on the database's clock would be better; replicas' clocks are assumed close (NTP). */
export const ago = (ms: number) => new Date(Date.now() - ms);
