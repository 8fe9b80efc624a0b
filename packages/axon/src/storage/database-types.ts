// The tables, as Kysely sees them: one schema on PostgreSQL and on the embedded PGlite (which is
// PostgreSQL compiled to WASM), created by migrations.ts. JSON is kept in `text` columns: read
// back as written by either driver, and `\u0000` (which `jsonb` refuses) survives.
import type { ColumnType } from "kysely";

type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** A run's lifecycle; `interrupted` ended for a newer message on its thread (docs/threads.md). */
export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "interrupted";

export interface ThreadsTable {
  id: string;
  /** The agent a run uses when it names none; null: every run names one. */
  agent: string | null;
  /** JSON object. */
  metadata: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  /** Messages in the thread; also the next message's `seq`. */
  message_count: ColumnType<number, number | undefined, number>;
  /** The run holding the thread's lane (on any replica); null when none does. */
  active_run_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Until when that run holds it: refreshed by its owner, taken over once past. */
  lease_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ThreadMessagesTable {
  thread_id: string;
  /** 0, 1, 2, ... within the thread: the history's order. */
  seq: number;
  /** The run that added it. */
  run_id: string | null;
  /** One pydantic-ai `ModelMessage`, JSON. */
  message: string;
  created_at: CreatedAt;
}

export interface RunsTable {
  id: string;
  /** Null for a run on no thread (background runs, a later step). */
  thread_id: string | null;
  agent: string;
  status: RunStatus;
  /** The double-text policy it was sent with. */
  on_busy: string | null;
  /** JSON `{code, message}` of the error that ended it. */
  error: string | null;
  created_at: CreatedAt;
  started_at: Date | null;
  ended_at: Date | null;
  /** Started with `background`: the caller did not hold a connection (src/runs/). */
  background: ColumnType<boolean, boolean | undefined, boolean>;
  /** JSON `{prompt, options}` a queued run is started again with after a restart. */
  input: string | null;
  /** JSON of the run's result once it succeeded (output, usage, messages). */
  result: string | null;
  /** Where its end is POSTed, signed (docs/threads.md "Webhooks"). */
  webhook_url: string | null;
  /** The process that runs it (or holds it queued); null once it ended. */
  owner: string | null;
  /** Refreshed by its owner while it lives: a stale one means that process died. */
  heartbeat_at: Date | null;
  /** Cancel asked on a replica that does not run it; its owner sees it at its next heartbeat. */
  cancel_requested: ColumnType<boolean, boolean | undefined, boolean>;
  /** The AI SDK chat id a /v1/chat run answers, for `useChat({ resume: true })`. */
  chat_id: string | null;
}

/** Every streamed event of a run, numbered from 1, for resumable streams (src/runs/run-event-log.ts). */
export interface RunEventsTable {
  run_id: string;
  seq: number;
  type: string;
  /** The event, JSON. */
  data: string;
  created_at: CreatedAt;
}

/** Tool calls a run paused on, as the server issued them (approvals bound to the store, a later step). */
export interface PendingApprovalsTable {
  run_id: string;
  tool_call_id: string;
  tool_name: string;
  /** SHA-256 of the call's arguments as issued. */
  args_digest: string;
  state: "pending" | "approved" | "denied";
  created_at: CreatedAt;
  answered_at: Date | null;
}

export interface Database {
  threads: ThreadsTable;
  thread_messages: ThreadMessagesTable;
  runs: RunsTable;
  run_events: RunEventsTable;
  pending_approvals: PendingApprovalsTable;
}
