import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

/**
 * What a managed venv was last synced from: the worker wheel and the user's dependency files.
 * Kept in the venv, so deleting the venv also forgets it; any difference means "sync again".
 */
export interface EnvStamp {
  wheel: string;
  /** File name → sha256 of its content, for pyproject.toml / requirements.txt. */
  dependencies: Record<string, string>;
}

const STAMP_FILE = ".axon-setup.json";

/** The stamp the venv should carry now. */
export function currentStamp(wheel: string, dependencyFiles: string[]): EnvStamp {
  const dependencies: Record<string, string> = {};
  for (const file of dependencyFiles) dependencies[basename(file)] = digest(file);
  return { wheel: `${basename(wheel)}:${digest(wheel)}`, dependencies };
}

export function readStamp(venv: string): EnvStamp | undefined {
  const file = join(venv, STAMP_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as EnvStamp;
  } catch {
    return undefined; // a damaged stamp only costs one more sync
  }
}

export function writeStamp(venv: string, stamp: EnvStamp): void {
  writeFileSync(join(venv, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

export function sameStamp(a: EnvStamp | undefined, b: EnvStamp): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function digest(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}
