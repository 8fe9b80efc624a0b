#!/usr/bin/env node
// Debian's PostgreSQL server for the storage tests (a real server, started and stopped by the
// test in a temporary directory). Installed on first use by the tests, like chromium.mjs, not
// by `npm install`. Non-interactive: CI has no stdin. Run directly to install it ahead:
//   node scripts/lib/postgres.mjs
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { aptInstall } from "./apt.mjs";

const TOOLS = ["initdb", "pg_ctl", "postgres"];

/** Directories that may hold the server binaries: PATH's first, then Debian's versioned ones (newest first). */
function candidates() {
  const onPath = (process.env.PATH ?? "").split(":").filter(Boolean);
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(debian, v, "bin"))
    : [];
  return [...onPath, "/usr/local/bin", ...versions];
}

function findBinDir() {
  return candidates().find(
    (dir) =>
      TOOLS.every((tool) => existsSync(join(dir, tool))) &&
      spawnSync(join(dir, "postgres"), ["--version"], { stdio: "ignore" }).status === 0,
  );
}

/** Returns the directory holding initdb, pg_ctl and postgres, installing Debian's package when missing. */
export function ensurePostgres() {
  const found = findBinDir();
  if (found) return found;
  aptInstall({
    tag: "axon postgres",
    pkg: "postgresql",
    missing: "initdb/pg_ctl/postgres are missing",
    check: () => findBinDir() !== undefined,
  });
  return findBinDir();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(ensurePostgres());
}
