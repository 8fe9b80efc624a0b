import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The first of `candidates` (paths relative to a directory) that exists in `from` or the nearest
 * directory above it; undefined when none does up to the root.
 */
export function findUp(from: string, candidates: readonly string[]): string | undefined {
  let dir = resolve(from);
  for (;;) {
    for (const candidate of candidates) {
      const path = join(dir, candidate);
      if (existsSync(path)) return path;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
