import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { Readable } from "node:stream";
import type { Logger } from "pino";
import { PROTOCOL_VERSION } from "./control-message.js";
import type { ExitInfo, LaunchedWorker } from "./launched-worker.js";
import { createTailBuffer, splitLines } from "./line-splitter.js";
import { isProcessAlive } from "./process-alive.js";
import { CONTROL_FD, localWorkerEnv, type WorkerCommand, workerArgs } from "./spawn-worker.js";

/** The fds a forked worker connects back to the host, in this order: lifeline, stdout, stderr, control. */
const CHILD_FDS = [0, 1, 2, CONTROL_FD] as const;
const HEADER = /^axon-fork (\S+) (\d+)$/;
/** How long a template may take to import pydantic-ai before it is given up (its workers spawned). */
const READY_TIMEOUT_MS = 60_000;
/** How long a forked worker that exited may take to have connected all its sockets. */
const EARLY_EXIT_GRACE_MS = 1000;
/** How often an orphaned worker (its template gone, so no exit report) is checked for. */
const ORPHAN_POLL_MS = 100;

/** A template that cannot fork, and why: workers of its environment are spawned instead. */
export class ForkUnsafeError extends Error {}

/** A template whose imported project code changed on disk: a new template imports it afresh. */
export class TemplateStaleError extends Error {}

/**
 * A template that failed (could not start, exited, spoke another protocol). Never seen by a
 * caller: the launcher spawns the worker instead and logs this as the reason.
 */
export class TemplateFailedError extends Error {}

/** Where a template runs: one per Python, working directory and environment. */
export interface TemplateSpec {
  python: string;
  cwd: string;
  env: Record<string, string>;
  /** The Unix socket forked workers connect their stdio to. */
  acceptPath: string;
  logger: Logger;
}

export interface ForkTemplate {
  /** Resolves when the template has imported pydantic-ai; rejects when it cannot fork. */
  readonly ready: Promise<void>;
  /** Whether it can still fork (it has not exited, and was not retired). */
  usable(): boolean;
  /** A worker forked from the template; rejects (no process) when the fork failed. */
  fork(command: WorkerCommand): Promise<LaunchedWorker>;
  /** No more forks; the template exits once every worker forked from it has. */
  retire(): void;
}

/** The modules of an agent a template imports before forking it: what a spawned worker would import first. */
function modulesOf(command: WorkerCommand): string[] {
  return [command.module, command.deps, command.lifespan].flatMap((spec) =>
    spec ? [spec.slice(0, spec.indexOf(":"))] : [],
  );
}

interface TemplateMessage {
  type: "template" | "forked" | "exited" | "unsafe" | "stale";
  protocol?: number;
  id?: string | null;
  pid?: number;
  code?: number | null;
  signal?: string | null;
  reason?: string;
}

/** A fork asked for and not yet complete (its pid, and its four sockets). */
interface PendingFork {
  pid?: number;
  sockets: Map<number, Socket>;
  resolve: (worker: LaunchedWorker) => void;
  reject: (error: Error) => void;
}

/** A forked worker: its exit comes from the template's report, or, if the template died first, from polling. */
interface ForkedChild {
  exited: boolean;
  onExit: (info: ExitInfo) => void;
  orphaned(): void;
}

/**
 * Starts `python -m axon_worker template` (python/src/axon_worker/_template.py): the template
 * imports pydantic-ai, grpc and, per fork, the agent's modules once; each fork is a worker in a few
 * tens of ms instead of ~0.5 s, sharing the imported modules' memory copy-on-write.
 */
export function createForkTemplate(spec: TemplateSpec): ForkTemplate {
  const log = spec.logger.child({ template: spec.cwd });
  const stderrTail = createTailBuffer();
  const pending = new Map<string, PendingFork>();
  const children = new Map<number, ForkedChild>();
  /** Exits reported before their worker's sockets had all connected (see `earlyExit`). */
  const earlyExits = new Map<number, ExitInfo>();
  let nextId = 0;
  let exited = false;
  let retired = false;
  let settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  ready.catch(() => {}); // a launcher that never forks must not see an unhandled rejection
  // A template that never answers (a hung import) must not hold every later start of its
  // environment: past the bound it is given up, and the workers are spawned.
  const readyTimer = setTimeout(() => {
    if (settleReady)
      abandon(new TemplateFailedError(`fork template not ready within ${READY_TIMEOUT_MS} ms`));
  }, READY_TIMEOUT_MS);
  readyTimer.unref();
  void ready.then(
    () => clearTimeout(readyTimer),
    () => clearTimeout(readyTimer),
  );

  rmSync(spec.acceptPath, { force: true });
  const server: Server = createServer((socket) => accept(socket));
  server.on("error", (cause) =>
    fail(new TemplateFailedError(`fork template: cannot listen on ${spec.acceptPath}: ${cause}`)),
  );
  server.listen(spec.acceptPath);

  const process_: ChildProcess = spawn(
    spec.python,
    ["-m", "axon_worker", "template", "--control-fd", String(CONTROL_FD)],
    {
      cwd: spec.cwd,
      env: localWorkerEnv(spec.env),
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      // Its own process group, as a worker's: Ctrl-C reaches the host, which stops what it started.
      detached: true,
    },
  );
  process_.stdin?.on("error", () => {});
  splitLines(process_.stdout as Readable, (line) => log.info({ stream: "stdout" }, line));
  splitLines(process_.stderr as Readable, (line) => {
    stderrTail.push(line);
    log.debug({ stream: "stderr" }, line);
  });
  splitLines(process_.stdio[CONTROL_FD] as Readable, (line) => onMessage(line));
  process_.on("error", (cause) =>
    fail(new TemplateFailedError(`fork template could not start: ${cause.message}`)),
  );
  process_.on("exit", (code, signal) => {
    exited = true;
    const tail = stderrTail.text().trim();
    fail(
      new TemplateFailedError(
        `fork template exited (${signal ?? `code ${code}`})${tail ? `: ${tail.slice(-400)}` : ""}`,
      ),
    );
    for (const child of children.values()) child.orphaned();
    server.close();
    rmSync(spec.acceptPath, { force: true });
  });

  /** A retired template exits (stdin EOF) once no fork is pending and every worker it forked has exited. */
  function endIfDone() {
    if (retired && children.size === 0 && pending.size === 0) process_.stdin?.end();
  }

  /** Every fork still pending fails with `error`, and so does `ready` if it had not resolved. */
  function fail(error: Error) {
    settleReady?.reject(error);
    settleReady = undefined;
    for (const fork of pending.values()) {
      for (const socket of fork.sockets.values()) socket.destroy();
      fork.reject(error);
    }
    pending.clear();
    endIfDone();
  }

  function onMessage(line: string) {
    // Code the template imports may write on this fd too (it is a worker's control fd): what is
    // not one of the template's messages is logged and skipped.
    let message: TemplateMessage | undefined;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        message = parsed as TemplateMessage;
      }
    } catch {
      // not JSON
    }
    if (message === undefined) {
      log.warn({ line: line.slice(0, 200) }, "fork template: unreadable control line");
      return;
    }
    if (message.type === "template" && message.protocol === PROTOCOL_VERSION) {
      settleReady?.resolve();
      settleReady = undefined;
    } else if (message.type === "unsafe") {
      retired = true;
      fail(new ForkUnsafeError(message.reason ?? "the template cannot fork"));
    } else if (settleReady) {
      // Not a template of this Axon (an older worker wheel, or no axon_worker at all): the
      // spawned worker that replaces it says what is wrong, as it would have without templates.
      abandon(
        new TemplateFailedError(`not a fork template of protocol ${PROTOCOL_VERSION}: ${line.slice(0, 200)}`),
      );
    } else if (message.type === "stale") {
      retired = true;
      fail(new TemplateStaleError(message.reason ?? "the project's code changed"));
    } else if (message.type === "forked" && message.id) {
      const fork = pending.get(message.id);
      if (fork) {
        fork.pid = message.pid;
        complete(message.id, fork);
      }
    } else if (message.type === "exited" && message.pid !== undefined) {
      const signal = (message.signal ?? null) as NodeJS.Signals | null;
      const info = { exitCode: message.code ?? null, signal };
      const child = children.get(message.pid);
      if (child) child.onExit(info);
      else earlyExit(message.pid, info);
    }
  }

  /** Gives the template up: its forks fail with `error`, and its process is stopped. */
  function abandon(error: Error) {
    retired = true;
    fail(error);
    process_.kill("SIGKILL");
  }

  /** A forked worker's socket: its first line says whose it is and which fd. */
  function accept(socket: Socket) {
    socket.on("error", () => {});
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const newline = head.indexOf("\n");
      if (newline === -1) {
        if (head.length > 200) socket.destroy();
        return;
      }
      socket.off("data", onData);
      socket.pause();
      const rest = Buffer.from(head.slice(newline + 1), "latin1");
      if (rest.length > 0) socket.unshift(rest);
      const match = HEADER.exec(head.slice(0, newline));
      const fork = match ? pending.get(match[1] as string) : undefined;
      if (!match || !fork) {
        socket.destroy();
        return;
      }
      fork.sockets.set(Number(match[2]), socket);
      complete(match[1] as string, fork);
    };
    socket.on("data", onData);
  }

  /**
   * A worker that failed at once (say its agent cannot load) can exit before the host has accepted
   * all of its sockets: its exit is kept for when it is complete, and if its sockets never all
   * arrive the fork fails (and the launcher spawns the worker, which reports why it cannot start).
   */
  function earlyExit(pid: number, info: ExitInfo) {
    earlyExits.set(pid, info);
    setTimeout(() => {
      if (!earlyExits.has(pid)) return;
      earlyExits.delete(pid);
      for (const [id, fork] of pending) {
        if (fork.pid !== pid) continue;
        pending.delete(id);
        for (const socket of fork.sockets.values()) socket.destroy();
        fork.reject(new TemplateFailedError(`forked worker ${pid} exited before it connected`));
        endIfDone();
      }
    }, EARLY_EXIT_GRACE_MS);
  }

  /** A fork is complete once its pid is known and all four of its sockets have connected. */
  function complete(id: string, fork: PendingFork) {
    if (fork.pid === undefined || fork.sockets.size < CHILD_FDS.length) return;
    pending.delete(id);
    fork.resolve(forkedWorker(fork.pid, fork.sockets));
  }

  function forkedWorker(pid: number, sockets: Map<number, Socket>): LaunchedWorker {
    const [lifeline, stdout, stderr, control] = CHILD_FDS.map((fd) => sockets.get(fd) as Socket) as [
      Socket,
      Socket,
      Socket,
      Socket,
    ];
    // Nothing is written to the lifeline: it is held open for the host's life and read for its end.
    lifeline.resume();
    let resolveExit: (info: ExitInfo) => void = () => {};
    const exitedPromise = new Promise<ExitInfo>((resolve) => {
      resolveExit = resolve;
    });
    const streamsClosed = Promise.all(
      [stdout, stderr, control].map((s) => new Promise<void>((resolve) => s.once("close", () => resolve()))),
    );
    const child: ForkedChild = {
      exited: false,
      onExit: (info) => {
        if (child.exited) return;
        child.exited = true;
        children.delete(pid);
        lifeline.destroy();
        resolveExit(info);
        endIfDone();
      },
      // No template left to report its exit: once its streams have closed, poll for the pid.
      orphaned: () => {
        void streamsClosed.then(() => {
          const poll = setInterval(() => {
            if (!isProcessAlive(pid)) {
              clearInterval(poll);
              child.onExit({ exitCode: null, signal: null });
            }
          }, ORPHAN_POLL_MS);
        });
      },
    };
    children.set(pid, child);
    const exitedAlready = earlyExits.get(pid);
    if (exitedAlready) {
      earlyExits.delete(pid);
      child.onExit(exitedAlready);
    }
    return {
      pid,
      startedBy: "fork",
      stdout,
      stderr,
      control,
      kill: (signal) => {
        if (child.exited) return;
        try {
          process.kill(pid, signal);
        } catch {
          // Gone already: its exit report is on its way.
        }
      },
      exited: exitedPromise,
      closed: exitedPromise.then(() => streamsClosed).then(() => {}),
    };
  }

  return {
    ready,
    usable: () => !exited && !retired,
    fork(command) {
      if (exited || retired)
        return Promise.reject(new TemplateFailedError("fork template is no longer in use"));
      const id = String(nextId++);
      const args = workerArgs(command).slice(2); // without `-m axon_worker`
      const request = { fork: id, argv: args, connect: spec.acceptPath, preload: modulesOf(command) };
      return new Promise<LaunchedWorker>((resolve, reject) => {
        pending.set(id, { sockets: new Map(), resolve, reject });
        process_.stdin?.write(`${JSON.stringify(request)}\n`);
      });
    },
    retire() {
      retired = true;
      endIfDone();
    },
  };
}
