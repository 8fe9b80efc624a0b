// Lets every Python process of the bench (Axon's workers included) cache compiled bytecode.
//
// Why: some environments (this one, many Docker images) set PYTHONDONTWRITEBYTECODE=1, and the
// venv is synced without `--compile-bytecode`, so every process start compiles pydantic-ai from
// source: about twice the CPU of a start from cached bytecode. A normal user's Python writes
// __pycache__ on first import, so starts with a cache are the representative case. The cache goes
// to a private directory (PYTHONPYCACHEPREFIX), leaving the venv untouched.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PYCACHE_DIR = join(tmpdir(), "axon-bench-pycache");

/** Turns the cache on for child processes started from now on; returns what was changed. */
export function enableBytecodeCache() {
  const before = { dontWrite: process.env.PYTHONDONTWRITEBYTECODE, prefix: process.env.PYTHONPYCACHEPREFIX };
  mkdirSync(PYCACHE_DIR, { recursive: true, mode: 0o700 });
  delete process.env.PYTHONDONTWRITEBYTECODE;
  process.env.PYTHONPYCACHEPREFIX = PYCACHE_DIR;
  return before;
}

/** Runs `fn` with bytecode caching off (every start compiles from source), then turns it back on. */
export async function withoutBytecodeCache(fn) {
  process.env.PYTHONDONTWRITEBYTECODE = "1";
  delete process.env.PYTHONPYCACHEPREFIX;
  try {
    return await fn();
  } finally {
    enableBytecodeCache();
  }
}
