import type { Logger } from "pino";
import {
  type ControlMessage,
  PROTOCOL_VERSION,
  parseControlMessage,
  type ReadyMessage,
  type WorkerLogRecord,
} from "./control-message.js";
import { type Handshake, handshake } from "./handshake.js";
import type { ExitInfo, LaunchedWorker, WorkerLauncher } from "./launched-worker.js";
import { createTailBuffer, splitLines } from "./line-splitter.js";
import { spawnLauncher, type WorkerCommand } from "./spawn-worker.js";
import { type StartFailure, startError } from "./start-error.js";
import { logRecord, toLogRecord } from "./worker-log.js";

export type { ExitInfo } from "./launched-worker.js";

/** A worker that completed its handshake. */
export interface ReadyWorker extends Handshake {
  pid: number;
  readyAt: number;
  /** Spawned from scratch, or forked from a template with pydantic-ai imported (docs/supervision.md). */
  startedBy: LaunchedWorker["startedBy"];
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
  /** How the process is started. Default: spawned from scratch. */
  launcher?: WorkerLauncher;
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
  const launcher = options.launcher ?? spawnLauncher;
  const stderrTail = createTailBuffer();
  let lifecycle: WorkerLifecycle = { state: "starting", since: Date.now() };
  let child: LaunchedWorker | undefined;
  /** A stop asked for while the process was still being launched: applied once it exists. */
  let stopWhenLaunched: number | undefined;
  let fatal: Extract<ControlMessage, { type: "fatal" }> | undefined;
  let resolveExit: (info: ExitInfo) => void = () => {};
  const exited = new Promise<ExitInfo>((resolve) => {
    resolveExit = resolve;
  });
  // `exit` can come before the last stderr chunk is read; `close` comes after every stream ended.
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

  /** SIGTERM (the worker drains), then SIGKILL after `timeoutMs`. */
  const terminate = (worker: LaunchedWorker, timeoutMs: number) => {
    worker.kill("SIGTERM");
    const timer = setTimeout(() => worker.kill("SIGKILL"), timeoutMs);
    void exited.then(() => clearTimeout(timer));
  };

  const start = (): Promise<ReadyWorker> =>
    new Promise<ReadyWorker>((resolve, reject) => {
      let settled = false;
      const fail = (reason: Pick<StartFailure, "exit" | "timedOut" | "cause" | "protocol">) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (lifecycle.state !== "exited") child?.kill("SIGKILL");
        // Give the process a moment to exit and its streams to drain, so its last stderr lines are
        // in the error. Bounded: a grandchild holding the stderr pipe open must not delay it further.
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

      const onExit = (info: ExitInfo) => {
        if (lifecycle.state === "ready") lifecycle.client.close();
        lifecycle = { state: "exited", ...info };
        log.debug(info, "worker exited");
        resolveExit(info);
        options.onExit?.(info);
        fail({ exit: info });
      };

      const attach = (launched: LaunchedWorker) => {
        child = launched;
        log = log.child({ pid: launched.pid });
        void launched.exited.then(onExit);
        void launched.closed.then(resolveClosed);
        if (settled)
          launched.kill("SIGKILL"); // the start already failed (timed out) meanwhile
        else if (stopWhenLaunched !== undefined) terminate(launched, stopWhenLaunched);
        splitLines(launched.stdout, (line) => log.info({ stream: "stdout" }, line));
        splitLines(launched.stderr, (line) => {
          stderrTail.push(line);
          log.debug({ stream: "stderr" }, line);
        });
        splitLines(launched.control, (line) => {
          const message = parseControlMessage(line);
          if (message)
            onControl(message, (ready) => {
              // Checked before connecting: a worker of another protocol may not speak this handshake.
              if (ready.protocol !== PROTOCOL_VERSION) {
                fail({ protocol: { worker: ready.protocol, workerVersion: ready.versions.axon_worker } });
                return;
              }
              void handshake(
                ready,
                startedAt + startTimeoutMs,
                { maxMessageBytes: options.maxMessageBytes },
                options.transport,
              ).then(finish, (cause) => fail({ cause }));
            });
        });
      };

      const finish = (ready: Handshake) => {
        if (settled || lifecycle.state !== "starting" || child === undefined) {
          ready.client.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        const worker: ReadyWorker = {
          ...ready,
          pid: child.pid,
          readyAt: Date.now(),
          startedBy: child.startedBy,
        };
        lifecycle = { state: "ready", ...worker };
        log.debug({ address: ready.address, startedBy: child.startedBy }, "worker ready");
        resolve(worker);
      };

      launcher.launch(options, log).then(attach, (cause) => {
        // No process was started, and none will be: this start has ended and so has the worker.
        lifecycle = { state: "exited", exitCode: null, signal: null };
        resolveExit({ exitCode: null, signal: null });
        resolveClosed();
        fail({ cause });
      });
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
      if (lifecycle.state === "exited") return exited;
      if (lifecycle.state === "ready") lifecycle.client.close();
      if (lifecycle.state !== "stopping") lifecycle = { state: "stopping", since: Date.now() };
      if (child) terminate(child, timeoutMs);
      else stopWhenLaunched = timeoutMs;
      return exited;
    },
  };
}
