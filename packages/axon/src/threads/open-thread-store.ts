// The store of a config's `storage`: PostgreSQL at `url`, else the embedded database in `dir`
// (relative to the config's directory).
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { openStore, type Store } from "../storage/open-store.js";
import type { StorageConfig } from "../storage/storage-schema.js";

export function storeOpener(storage: StorageConfig, baseDir: string): () => Promise<Store> {
  return () =>
    openStore(
      storage.url
        ? { url: storage.url }
        : { dir: isAbsolute(storage.dir) ? storage.dir : resolve(baseDir, storage.dir) },
    );
}

/** Whether there is a store to recover runs from: PostgreSQL, or an embedded one already on disk. */
export function storeExists(storage: StorageConfig, baseDir: string): boolean {
  if (storage.url) return true;
  return existsSync(isAbsolute(storage.dir) ? storage.dir : resolve(baseDir, storage.dir));
}
