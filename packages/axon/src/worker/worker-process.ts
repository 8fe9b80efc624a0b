import type { ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";
import type { Logger } from "pino";
import {
  type ControlMessage,
  PROTOCOL_VERSION,
  parseControlMessage,
  type ReadyMessage,
  type WorkerLogRecord,
} from "./control-message.js";
import { type Handshake, handshake } from "./handshake.js";
import { createTailBuffer, splitLines } from "./line-splitter.js";
import { CONTROL_FD, spawnWorker, type WorkerCommand } from "./spawn-worker.js";
import { type StartFailure, startError } from "./start-error.js";
import { logRecord, toLogRecord } from "./worker-log.js";

/** How a worker process ended. */
export interface ExitInfo {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** A worker that completed its handshake. */
export interface ReadyWorker extends Handshake {
  pid: number;
  readyAt: number;
}

/** The lifecycle of one OS process; a restart is a new `WorkerProcess`. */
export type WorkerLifecycle =
  | { state: "starting"; since: number }
  | ({ state: "ready" } & ReadyWorker)
  | { state: "stopping"; since: number }
  | ({ state: "exited" } & ExitInfo);

export interface WorkerProcessOptions extends WorkerCommand {
  /** Name in logs and errors, e.g. `echo-0`. */
  id: string;
  /** How long the handshake may take. Default: 30000 ms. */
  startTimeoutMs?: number;
  /** Host logger; records are tagged with agent and pid. */
  logger: Logger;
  /** Called for each Python log record. Default: none. */
  onLog?: (record: WorkerLogRecord) => void;
  /** Called once when the process has exited, whoever ended it. Default: none. */
  onExit?: (info: ExitInfo) => void;
}

export interface WorkerProcess {
  readonly id: string;
  readonly pid: number | undefined;
  state(): WorkerLifecycle["state"];
  lifecycle(): WorkerLifecycle;
  /** Resolves once the worker is ready and healthy; rejects with `WorkerStartError`. Call once. */
  start(): Promise<ReadyWorker>;
  /** SIGTERM (the worker drains), then SIGKILL after `timeoutMs`; resolves on exit. */
  stop(timeoutMs: number): Promise<ExitInfo>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** The last ~64 KiB of stderr. */
  stderr(): string;
}

export function createWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stderrTail = createTailBuffer();
  let lifecycle: WorkerLifecycle = { state: "starting", since: Date.now() };
  let child: ChildProcess | undefined;
  let fatal: Extract<ControlMessage, { type: "fatal" }> | undefined;
  let resolveExit: (info: ExitInfo) => void = () => {};
  const exited = new Promise<ExitInfo>((resolve) => {
    resolveExit = resolve;
  });
  // `exit` can come before the last stderr chunk is read; `close` comes after every pipe ended.
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let log = options.logger.child({ agent: options.agent, worker: options.id });

  const onControl = (message: ControlMessage, onReady: (m: ReadyMessage) => void) => {
    if (message.type === "ready") onReady(message);
    else if (message.type === "fatal") fatal = message;
    else emitLog(message);
  };

  const emitLog = (message: Extract<ControlMessage, { type: "log" }>) => {
    const record = toLogRecord(message, options.agent, child?.pid);
    logRecord(log, record);
    options.onLog?.(record);
  };

  const start = (): Promise<ReadyWorker> =>
    new Promise<ReadyWorker>((resolve, reject) => {
      let settled = false;
      const fail = (reason: Pick<StartFailure, "exit" | "timedOut" | "cause" | "protocol">) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (lifecycle.state !== "exited") child?.kill("SIGKILL");
        // Give the process a moment to exit and its pipes to drain, so its last stderr lines are in
        // the error. Bounded: a grandchild holding the stderr pipe open must not delay it further.
        const drained = new Promise<undefined>((r) => setTimeout(r, 1000, undefined));
        const exitSoon = Promise.race([closed.then(() => exited), drained]);
        void exitSoon.then((exit) => {
          reject(
            startError({
              ...options,
              ...reason,
              exit: reason.exit ?? exit,
              fatal,
              stderr: stderrTail.text(),
            }),
          );
        });
      };
      const startedAt = Date.now();
      const timer = setTimeout(() => fail({ timedOut: true }), startTimeoutMs);
      try {
        child = spawnWorker(options);
      } catch (cause) {
        // Node refuses some arguments synchronously (a NUL byte, E2BIG): there is no process
        // and there will be no `exit`, so this start has ended and so has the worker.
        lifecycle = { state: "exited", exitCode: null, signal: null };
        resolveExit({ exitCode: null, signal: null });
        resolveClosed();
        fail({ cause });
        return;
      }
      log = log.child({ pid: child.pid });
      const onExit = (exitCode: number | null, signal: NodeJS.Signals | null) => {
        const info = { exitCode, signal };
        if (lifecycle.state === "ready") lifecycle.client.close();
        lifecycle = { state: "exited", ...info };
        log.debug(info, "worker exited");
        resolveExit(info);
        options.onExit?.(info);
        fail({ exit: info });
      };
      child.on("exit", onExit);
      child.on("close", resolveClosed);
      child.on("error", (cause) => {
        // A process that could not be spawned (ENOENT, EACCES) never emits `exit`.
        fail({ cause });
        if (child?.pid === undefined && lifecycle.state !== "exited") {
          resolveClosed();
          onExit(null, null);
        }
      });
      splitLines(child.stdout as Readable, (line) => log.info({ stream: "stdout" }, line));
      splitLines(child.stderr as Readable, (line) => {
        stderrTail.push(line);
        log.debug({ stream: "stderr" }, line);
      });
      const control = child.stdio[CONTROL_FD] as Readable;
      splitLines(control, (line) => {
        const message = parseControlMessage(line);
        if (message)
          onControl(message, (ready) => {
            // Checked before connecting: a worker of another protocol may not speak this handshake.
            if (ready.protocol !== PROTOCOL_VERSION) {
              fail({ protocol: { worker: ready.protocol, workerVersion: ready.versions.axon_worker } });
              return;
            }
            void handshake(ready.address, startedAt + startTimeoutMs, {
              maxMessageBytes: options.maxMessageBytes,
            }).then(finish, (cause) => fail({ cause }));
          });
      });

      const finish = (ready: Handshake) => {
        if (settled || lifecycle.state !== "starting" || child?.pid === undefined) {
          ready.client.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        const worker: ReadyWorker = { ...ready, pid: child.pid, readyAt: Date.now() };
        lifecycle = { state: "ready", ...worker };
        log.debug({ address: ready.address }, "worker ready");
        resolve(worker);
      };
    });

  return {
    id: options.id,
    get pid() {
      return child?.pid;
    },
    state: () => lifecycle.state,
    lifecycle: () => lifecycle,
    start,
    exited,
    stderr: () => stderrTail.text(),
    async stop(timeoutMs) {
      if (!child || lifecycle.state === "exited") return exited;
      if (lifecycle.state === "ready") lifecycle.client.close();
      lifecycle = { state: "stopping", since: Date.now() };
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), timeoutMs);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };
}
