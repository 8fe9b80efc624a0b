// The versioned schema. Each migration runs once, in name order, inside Kysely's migration lock
// (an advisory lock on PostgreSQL, so replicas starting together migrate once). Never edit a
// released migration: add the next one.
import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely";

const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled", "interrupted"];

// biome-ignore lint/suspicious/noExplicitAny: migrations see the schema as it was then, not today's types.
type AnyDb = Kysely<any>;

const now = sql`now()`;

const migrations: Record<string, Migration> = {
  "0001_threads_runs_events_approvals": {
    async up(db: AnyDb) {
      await db.schema
        .createTable("threads")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("agent", "text")
        .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(now))
        .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(now))
        .addColumn("message_count", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      // The list's order: newest first, the id breaking ties (keyset pagination).
      await db.schema.createIndex("threads_created").on("threads").columns(["created_at", "id"]).execute();
      await db.schema
        .createTable("thread_messages")
        .addColumn("thread_id", "text", (c) => c.notNull().references("threads.id").onDelete("cascade"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("run_id", "text")
        .addColumn("message", "text", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint("thread_messages_pk", ["thread_id", "seq"])
        .execute();
      await db.schema
        .createTable("runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("thread_id", "text", (c) => c.references("threads.id").onDelete("cascade"))
        .addColumn("agent", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("on_busy", "text")
        .addColumn("error", "text")
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(now))
        .addColumn("started_at", "timestamptz")
        .addColumn("ended_at", "timestamptz")
        .addCheckConstraint(
          "runs_status",
          sql`status in (${sql.join(RUN_STATUSES.map((status) => sql.lit(status)))})`,
        )
        .execute();
      await db.schema.createIndex("runs_thread").on("runs").columns(["thread_id", "created_at"]).execute();
      await db.schema.createIndex("runs_status").on("runs").columns(["status", "created_at"]).execute();
      await db.schema
        .createTable("run_events")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint("run_events_pk", ["run_id", "seq"])
        .execute();
      await db.schema.createIndex("run_events_created").on("run_events").column("created_at").execute();
      await db.schema
        .createTable("pending_approvals")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("tool_call_id", "text", (c) => c.notNull())
        .addColumn("tool_name", "text", (c) => c.notNull())
        .addColumn("args_digest", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(now))
        .addColumn("answered_at", "timestamptz")
        .addPrimaryKeyConstraint("pending_approvals_pk", ["run_id", "tool_call_id"])
        .addCheckConstraint("pending_approvals_state", sql`state in ('pending', 'approved', 'denied')`)
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of ["pending_approvals", "run_events", "runs", "thread_messages", "threads"]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
  // Background runs (their input, result, webhook, the process running them and its heartbeat,
  // a cancel asked from another replica) and the chat a run answers (the AI SDK's resume).
  "0002_background_runs": {
    async up(db: AnyDb) {
      await db.schema
        .alterTable("runs")
        .addColumn("background", "boolean", (c) => c.notNull().defaultTo(false))
        .addColumn("input", "text")
        .addColumn("result", "text")
        .addColumn("webhook_url", "text")
        .addColumn("owner", "text")
        .addColumn("heartbeat_at", "timestamptz")
        .addColumn("cancel_requested", "boolean", (c) => c.notNull().defaultTo(false))
        .addColumn("chat_id", "text")
        .execute();
      await db.schema.createIndex("runs_owner").on("runs").columns(["owner", "status"]).execute();
      await db.schema.createIndex("runs_chat").on("runs").columns(["chat_id", "created_at"]).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex("runs_chat").execute();
      await db.schema.dropIndex("runs_owner").execute();
      for (const column of [
        "chat_id",
        "cancel_requested",
        "heartbeat_at",
        "owner",
        "webhook_url",
        "result",
        "input",
        "background",
      ]) {
        await db.schema.alterTable("runs").dropColumn(column).execute();
      }
    },
  },
  // The per-thread lane across replicas (docs/threads.md "Double texting"): the run holding the
  // thread and until when; its owner refreshes the lease while the run lives, a stale one (the
  // owner died) is taken over.
  "0003_thread_lease": {
    async up(db: AnyDb) {
      await db.schema
        .alterTable("threads")
        .addColumn("active_run_id", "text")
        .addColumn("lease_until", "timestamptz")
        .execute();
    },
    async down(db: AnyDb) {
      for (const column of ["lease_until", "active_run_id"]) {
        await db.schema.alterTable("threads").dropColumn(column).execute();
      }
    },
  },
};

/** Kysely's `MigrationProvider` over the migrations above (bundled in the package, no files to find). */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** The newest migration's name: what a store at the current schema has applied last. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1) as string;
