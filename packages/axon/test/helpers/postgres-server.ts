// A real PostgreSQL server for the storage tests: Debian's binaries (installed on first use by
// scripts/lib/postgres.mjs), a fresh cluster in a temporary directory, a free loopback port and
// a unix socket in that directory. PostgreSQL refuses to run as root, so as root the server runs
// as the `postgres` user (else `nobody`). `stop()` stops it and removes the directory; it runs
// on process exit too, should a test forget.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { repoRoot } from "./start-axon.js";

export interface PostgresServer {
  /** `postgres://axon@127.0.0.1:<port>/postgres`. */
  url: string;
  /** A new empty database on this server, by its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = "axon";

export async function startPostgres(): Promise<PostgresServer> {
  const script = pathToFileURL(join(repoRoot, "scripts/lib/postgres.mjs")).href;
  const { ensurePostgres } = (await import(script)) as { ensurePostgres(): string };
  const bin = ensurePostgres();
  const root = mkdtempSync(join(tmpdir(), "axon-pg-"));
  const data = join(root, "data");
  const sockets = join(root, "sockets");
  mkdirSync(sockets);
  const owner = serverUser();
  if (owner) for (const dir of [root, sockets]) chownSync(dir, owner.uid, owner.gid);
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  let child: ChildProcess | undefined;
  const stopNow = () => child?.kill("SIGKILL");
  process.once("exit", stopNow);
  const stop = async () => {
    process.off("exit", stopNow);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGINT"); // "fast" shutdown: roll back, close connections, exit
      const timer = setTimeout(() => child?.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    execFileSync(
      join(bin, "initdb"),
      ["-D", data, "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"],
      { ...as, stdio: ["ignore", "ignore", "pipe"], cwd: root },
    );
    const port = await freePort();
    // Durability off: a test cluster lives for seconds; this makes it start and write fast.
    const settings = [
      "fsync=off",
      "synchronous_commit=off",
      "full_page_writes=off",
      "listen_addresses=127.0.0.1",
    ];
    child = spawn(
      join(bin, "postgres"),
      ["-D", data, "-p", String(port), "-k", sockets, ...settings.flatMap((s) => ["-c", s])],
      { ...as, stdio: ["ignore", "ignore", "pipe"], cwd: root },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
    await waitReady(url, child, () => stderr);
    return {
      url,
      async createDatabase(name) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          // An identifier cannot be a bound parameter; the name is checked above.
          await client.query(`create database ${name}`);
        } finally {
          await client.end();
        }
        return `postgres://${USER}@127.0.0.1:${port}/${name}`;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
      return { uid, gid };
    } catch {
      // No such user: try the next.
    }
  }
  throw new Error("running as root, and neither a `postgres` nor a `nobody` user exists to run the server");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${stderr()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`postgres did not start: ${String(error)}\n${stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
