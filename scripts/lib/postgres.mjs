#!/usr/bin/env node
// Debian's PostgreSQL server for the storage tests (a real server, started and stopped by the
// test in a temporary directory). Installed on first use by the tests, like chromium.mjs, not
// by `npm install`. Non-interactive: CI has no stdin. Run directly to install it ahead:
//   node scripts/lib/postgres.mjs
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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

function run(command, args) {
  console.log(`[axon postgres] ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `[axon postgres] failed: ${command} ${args.join(" ")} (exit ${result.status ?? result.signal})`,
    );
  }
}

/** Returns the directory holding initdb, pg_ctl and postgres, installing Debian's package when missing. */
export function ensurePostgres() {
  const found = findBinDir();
  if (found) return found;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const apt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!root || !apt) {
    throw new Error(
      `[axon postgres] initdb/pg_ctl/postgres are missing and cannot be installed here ` +
        `(${apt ? "not root" : "no apt-get"}). Install Debian's server: sudo apt-get install postgresql`,
    );
  }
  const started = Date.now();
  run("apt-get", ["update", "-q"]);
  run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "postgresql"]);
  const installed = findBinDir();
  if (!installed) throw new Error("[axon postgres] installed, but no working initdb/pg_ctl/postgres found");
  console.log(`[axon postgres] ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return installed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(ensurePostgres());
}
