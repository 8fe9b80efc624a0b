// The two stores every thread test runs against: the embedded database on disk in a temporary
// directory, and a real PostgreSQL server started for the test file (test/helpers/postgres-server.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StorageConfigInput } from "../../src/storage/storage-schema.js";
import { type PostgresServer, startPostgres } from "../helpers/postgres-server.js";

export interface TestStore {
  storage: StorageConfigInput;
  close(): Promise<void>;
}

export const storeKinds = ["embedded", "postgres"] as const;

export async function openTestStore(
  kind: (typeof storeKinds)[number],
  name = "axon_test",
): Promise<TestStore> {
  if (kind === "embedded") {
    const dir = mkdtempSync(join(tmpdir(), "axon-store-"));
    return { storage: { dir }, close: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server: PostgresServer = await startPostgres();
  try {
    const url = await server.createDatabase(name);
    return { storage: { url }, close: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
