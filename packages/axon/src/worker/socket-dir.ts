import { createHash, randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { isAxonError } from "../errors/axon-error.js";
import { ConfigError } from "../errors/host-errors.js";
import { isProcessAlive } from "./process-alive.js";

/** The private directory holding this host's worker sockets. */
export interface SocketDir {
  readonly path: string;
  /** A socket path for worker `index` of `agent`, short enough for `sun_path` (108 bytes). */
  socketPath(agent: string, index: number): string;
  /** Removes the directory and everything in it. */
  remove(): void;
}

export interface SocketDirOptions {
  /** Parent of the per-user directory. Default: `os.tmpdir()`. */
  root?: string;
}

// Linux's sun_path holds 108 bytes including the NUL; stay well below.
const MAX_SOCKET_PATH = 100;

/**
 * Creates `<tmp>/axon-<uid>/<namespace>-<hostpid>-<random>/` with mode 0700, after removing the
 * directories of hosts of this PID namespace that are no longer alive (killed with -9, they
 * could not clean up).
 */
export function createSocketDir(options: SocketDirOptions = {}): SocketDir {
  const uid = process.getuid?.() ?? 0;
  const root = options.root ?? tmpdir();
  const userDir = join(root, `axon-${uid}`);
  const namespace = pidNamespaceKey();
  const path = join(userDir, `${namespace}-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(userDir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(userDir);
    // Someone else's directory (or a symlink planted there) must not receive our sockets.
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) {
      throw socketDirError(`refusing to use ${userDir}: not a private directory owned by uid ${uid}`, root);
    }
    removeStaleDirs(userDir, namespace);
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if (isAxonError(error)) throw error;
    throw socketDirError(
      `cannot create the worker socket directory ${path}: ${(error as Error).message}`,
      root,
      error,
    );
  }
  let workers = 0;
  return {
    path,
    socketPath(agent, index) {
      const named = join(path, `${agent}-${index}.sock`);
      workers += 1;
      return named.length <= MAX_SOCKET_PATH ? named : join(path, `w${workers}.sock`);
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

// Not the config's fault, but the environment's: TMPDIR is where the sockets go (docs/errors.md).
function socketDirError(what: string, root: string, cause?: unknown): ConfigError {
  const fix = `point TMPDIR at a directory only you can write to (now ${root}), or remove the directory if it is yours`;
  return new ConfigError({ message: `${what}; fix: ${fix}`, cause });
}

/**
 * Which PID namespace (and machine) this host's pids mean something in. A pid is only "dead" if
 * it is dead in the namespace that named it: a host in another container sharing /tmp sees none
 * of our pids and, judging by pid alone, deleted the sockets of live hosts.
 */
export function pidNamespaceKey(): string {
  let namespace = "";
  try {
    namespace = readlinkSync("/proc/self/ns/pid"); // e.g. "pid:[4026531836]"; Linux only
  } catch {
    // No procfs (macOS): one namespace per machine.
  }
  return createHash("sha256").update(`${hostname()}\0${namespace}`).digest("hex").slice(0, 8);
}

/** Removes `<namespace>-<pid>-*` directories of hosts of our own namespace that are gone. */
function removeStaleDirs(userDir: string, namespace: string): void {
  for (const name of readdirSync(userDir)) {
    const [owner, pidText] = name.split("-");
    // Another namespace's, or an older layout's: whether its host lives cannot be told from here.
    if (owner !== namespace) continue;
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0 || isProcessAlive(pid)) continue;
    rmSync(join(userDir, name), { recursive: true, force: true });
  }
}
