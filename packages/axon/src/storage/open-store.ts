// Opens the store: PostgreSQL when a URL is configured, else the embedded PGlite on disk, both
// through node-postgres and Kysely's PostgreSQL dialect (PGlite ships a node-postgres
// connection), so queries and migrations are the same code and SQL on both. Migrates at open.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { Kysely, Migrator, PostgresDialect } from "kysely";
import pg from "pg";
import { ConfigError } from "../errors/host-errors.js";
import type { Database } from "./database-types.js";
import { migrationProvider } from "./migrations.js";

export interface OpenStoreOptions {
  /** PostgreSQL connection string; when set, `dir` is unused. Default: none (embedded). */
  url?: string | undefined;
  /** Directory of the embedded database, created if missing. Required without `url`. */
  dir?: string | undefined;
  /** Connections to PostgreSQL at most (the embedded database has one). Default: 10. */
  maxConnections?: number;
}

export interface Store {
  /** The typed query builder; every value travels as a bound parameter. */
  db: Kysely<Database>;
  kind: "embedded" | "postgres";
  /** Migrations applied by this open (empty when the schema was already current). */
  applied: string[];
  /** Closes the connections (and the embedded database). */
  close(): Promise<void>;
}

// Migration bookkeeping tables, named so they cannot clash with a user's own in a shared database.
const MIGRATION_TABLE = "axon_migrations";
const MIGRATION_LOCK_TABLE = "axon_migrations_lock";

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  let embedded: PGlite | undefined;
  let pool: pg.Pool;
  if (options.url) {
    pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  } else {
    if (!options.dir) {
      throw new ConfigError({
        message: "storage: give `dir` (the embedded store) or `url` (PostgreSQL)",
        field: "storage",
      });
    }
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    embedded = await PGlite.create(options.dir);
    // One connection: PGlite is a single-session database inside this process.
    pool = new pg.Pool({ ...createPgConfig(embedded), max: 1 });
  }
  // An idle client's error (the server restarted) must not crash the host: the next query fails instead.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const close = async () => {
    await db.destroy();
    await embedded?.close();
  };
  try {
    const migrator = new Migrator({
      db,
      provider: migrationProvider,
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error) throw error;
    const applied = results.filter((r) => r.status === "Success").map((r) => r.migrationName);
    return { db, kind: embedded ? "embedded" : "postgres", applied, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
