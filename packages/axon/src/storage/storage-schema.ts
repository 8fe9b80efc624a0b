// The `storage` field of the config: where state that outlives a request lives (docs/threads.md).
import { z } from "zod";

/** The directory of the embedded database when none is configured, under the config's directory. */
export const DEFAULT_STORAGE_DIR = ".axon/db";

export const storageSchema = z.strictObject({
  /**
   * A PostgreSQL connection string (`postgres://user:password@host:5432/db`), for gateways
   * replicated behind a load balancer; `dir` is then unused. Default: none (the embedded database).
   */
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "a postgres:// or postgresql:// connection string")
    .optional(),
  /** Directory of the embedded database (PGlite), relative to the config's directory. Default: `.axon/db`. */
  dir: z.string().min(1).default(DEFAULT_STORAGE_DIR),
});

export type StorageConfig = z.output<typeof storageSchema>;
export type StorageConfigInput = z.input<typeof storageSchema>;
