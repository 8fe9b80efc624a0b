// Hosts in different PID namespaces (containers, sidecars) that share /tmp: a pid dead in one
// namespace may be a live host in the other, so a host must clean up only what its own
// namespace's dead hosts left, never another namespace's live sockets.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSocketDir } from "../../src/worker/socket-dir.js";
import { repoRoot } from "../helpers/start-axon.js";

const root = mkdtempSync(join(tmpdir(), "axon-ns-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const canUnshare =
  process.getuid?.() === 0 && spawnSync("unshare", ["--pid", "--fork", "--mount-proc", "true"]).status === 0;

/** Creates (and removes) a socket directory from a host in a new PID namespace, sharing `root`. */
function hostInAnotherNamespace(): void {
  const script = `
    const { createJiti } = await import("jiti");
    const jiti = createJiti(${JSON.stringify(join(repoRoot, "packages/axon/src/"))});
    const { createSocketDir } = await jiti.import("./worker/socket-dir.ts");
    createSocketDir({ root: ${JSON.stringify(root)} }).remove();`;
  const result = spawnSync(
    "unshare",
    ["--pid", "--fork", "--mount-proc", process.execPath, "--input-type=module", "-e", script],
    { cwd: join(repoRoot, "packages/axon"), encoding: "utf8" },
  );
  expect(result.status, result.stderr).toBe(0);
}

describe.skipIf(!canUnshare)("socket directories shared across PID namespaces", () => {
  it("a host in another PID namespace leaves a live host's sockets alone", () => {
    const live = createSocketDir({ root });
    try {
      hostInAnotherNamespace();
      expect(existsSync(live.path)).toBe(true);
    } finally {
      live.remove();
    }
  });

  it("a host still removes what a dead host of its own namespace left", () => {
    const dead = createSocketDir({ root });
    // The same directory, as if left by a host whose pid is gone: our key, a pid that cannot exist.
    const name = dead.path.split("/").at(-1) ?? "";
    const [key] = name.split("-");
    const stale = join(root, `axon-${process.getuid?.() ?? 0}`, `${key}-999999999-deadbeef`);
    mkdirSync(stale, { mode: 0o700 });
    dead.remove();
    createSocketDir({ root }).remove();
    expect(existsSync(stale)).toBe(false);
  });
});
