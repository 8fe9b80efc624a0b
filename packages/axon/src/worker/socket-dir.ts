import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAxonError } from "../errors/axon-error.js";
import { ConfigError } from "../errors/host-errors.js";

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
 * Creates `<tmp>/axon-<uid>/<hostpid>-<random>/` with mode 0700, after removing the
 * directories of hosts that are no longer alive (killed with -9, they could not clean up).
 */
export function createSocketDir(options: SocketDirOptions = {}): SocketDir {
  const uid = process.getuid?.() ?? 0;
  const root = options.root ?? tmpdir();
  const userDir = join(root, `axon-${uid}`);
  const path = join(userDir, `${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(userDir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(userDir);
    // Someone else's directory (or a symlink planted there) must not receive our sockets.
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) {
      throw socketDirError(`refusing to use ${userDir}: not a private directory owned by uid ${uid}`, root);
    }
    removeStaleDirs(userDir);
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

function removeStaleDirs(userDir: string): void {
  for (const name of readdirSync(userDir)) {
    const pid = Number(name.split("-")[0]);
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    rmSync(join(userDir, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to someone else; not ours to clean, and maybe alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
