import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./start-axon.js";

/** The repository's venv: a temp `python.cwd` has none of its own. */
export const repoPython = join(repoRoot, "python/.venv/bin/python");

const fixture = new URL("../fixtures/live_agent.py", import.meta.url);

/** A temp project holding a copy of `test/fixtures/live_agent.py`, to be edited as a user would. */
export interface LiveProject {
  dir: string;
  /** The module file (`live_agent.py`). */
  module: string;
  /** Rewrites `VERSION = "..."`: what the next worker answers with. */
  setVersion(version: string): void;
  /** Leaves the module with a syntax error (a worker cannot import it). */
  breakSyntax(): void;
  remove(): void;
}

export function createLiveProject(): LiveProject {
  const dir = mkdtempSync(join(tmpdir(), "axon-live-"));
  const module = join(dir, "live_agent.py");
  copyFileSync(fixture, module);
  const original = readFileSync(module, "utf8");
  return {
    dir,
    module,
    setVersion(version) {
      writeFileSync(module, original.replace('VERSION = "v1"', `VERSION = "${version}"`));
    },
    breakSyntax() {
      writeFileSync(module, `${original}\ndef broken(:\n`);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
