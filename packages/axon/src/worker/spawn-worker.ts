import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import type { LocalTransport } from "./handshake.js";
import type { ExitInfo, LaunchedWorker, WorkerLauncher } from "./launched-worker.js";

/** What a worker process is started with. */
export interface WorkerCommand {
  /** The Python executable. */
  python: string;
  /** Registered name of the hosted agent. */
  agent: string;
  /** `package.module:attribute` of the agent; exactly one of `module` / `spec`. */
  module?: string;
  /** An Agent Spec: an absolute file path, or the spec object (sent as JSON on the command line). */
  spec?: string | Record<string, unknown>;
  /** `package.module:attribute` of the agent's deps factory. Default: none. */
  deps?: string;
  /** `package.module:attribute` of the agent's lifespan. Default: none. */
  lifespan?: string;
  /** `unix:/abs/path.sock` (or `host:port`). */
  listen: string;
  /** Working directory; `module` imports from here. */
  cwd: string;
  /** Added to the host's environment. */
  env: Record<string, string>;
  /** Default model for the agent. Default: the agent's own. */
  model?: string;
  /** Largest gRPC message each way, for the worker's server and the host's client alike. Default: the worker's own, 64 MiB. */
  maxMessageBytes?: number;
  /** How the host talks to it (not on its command line): frames when it offers them, or gRPC. Default: `frames`. */
  transport?: LocalTransport;
}

/** The fd the worker writes control messages to (docs/worker-protocol.md). */
export const CONTROL_FD = 3;

/** The argument array (no shell, nothing interpolated into a command string). */
export function workerArgs(command: WorkerCommand): string[] {
  const args = ["-m", "axon_worker", ...agentArgs(command), "--listen", command.listen];
  args.push("--control-fd", String(CONTROL_FD), "--parent-pid", String(process.pid));
  if (command.model) args.push("--model", command.model);
  if (command.maxMessageBytes !== undefined) {
    args.push("--max-message-bytes", String(command.maxMessageBytes));
  }
  return args;
}

/** The flags that say which agent the worker hosts and how its deps are made. */
function agentArgs({ agent, module, spec, deps, lifespan }: WorkerCommand): string[] {
  const args =
    module !== undefined
      ? ["--agent", `${agent}=${module}`]
      : typeof spec === "string"
        ? ["--spec", `${agent}=${spec}`]
        : ["--spec-json", `${agent}=${JSON.stringify(spec ?? {})}`];
  if (deps) args.push("--deps-factory", `${agent}=${deps}`);
  if (lifespan) args.push("--lifespan", `${agent}=${lifespan}`);
  return args;
}

/** What a worker hosts, for messages: its module, or its spec file. */
export function agentSource(command: Pick<WorkerCommand, "module" | "spec">): string {
  if (command.module !== undefined) return command.module;
  return typeof command.spec === "string" ? `spec ${command.spec}` : "inline spec";
}

/**
 * Spawns a worker: stdin stays open for the host's whole life (the worker exits on its EOF, so
 * it cannot outlive a host killed with -9), stdout/stderr are the agent's own output, fd 3 is
 * the control channel.
 */
export function spawnWorker(command: WorkerCommand): ChildProcess {
  const child = spawn(command.python, workerArgs(command), {
    cwd: command.cwd,
    env: localWorkerEnv(command.env),
    stdio: ["pipe", "pipe", "pipe", "pipe"],
    shell: false,
    // A process group of its own: Ctrl-C in a terminal (and a process manager that signals the
    // whole group) reaches the host only, which drains for its grace period and then stops its
    // workers itself; the workers' own, shorter drain must not cut runs first. Host death is
    // still seen through stdin EOF and the parent-pid watch.
    detached: true,
  });
  // Writing to a dead worker's stdin must not become an unhandled 'error' in the host.
  child.stdin?.on("error", () => {});
  return child;
}

/**
 * `spawnWorker` as a `LaunchedWorker`: resolves once the process exists, rejects when it could
 * not be started (ENOENT, EACCES, or arguments Node refuses synchronously: a NUL byte, E2BIG).
 */
export function spawnLaunchedWorker(command: WorkerCommand): Promise<LaunchedWorker> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker(command);
    const exited = new Promise<ExitInfo>((onExit) =>
      child.once("exit", (exitCode, signal) => onExit({ exitCode, signal })),
    );
    const closed = new Promise<void>((onClose) => child.once("close", () => onClose()));
    child.once("error", reject);
    child.once("spawn", () => {
      child.off("error", reject);
      // Later errors (a failed kill) are reported by the exit, or by nothing to report.
      child.on("error", () => {});
      resolve({
        pid: child.pid as number,
        startedBy: "spawn",
        stdout: child.stdout as Readable,
        stderr: child.stderr as Readable,
        control: child.stdio[CONTROL_FD] as Readable,
        kill: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
        exited,
        closed,
      });
    });
  });
}

/** Spawns every worker from scratch (no template): where fork is off or unsafe. */
export const spawnLauncher: WorkerLauncher = {
  launch: (command) => spawnLaunchedWorker(command),
  renew: () => {},
  close: () => {},
};

/**
 * A local worker's environment: the host's, with the agent's additions. The remote workers' token
 * (AXON_WORKER_TOKEN, as a gateway pod holds it) is left out unless the config sets it for the
 * agent: a worker that finds it requires it, and a local channel sends none.
 */
export function localWorkerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { AXON_WORKER_TOKEN: _remoteToken, ...host } = process.env;
  return { ...host, ...extra, PYTHONUNBUFFERED: "1" };
}
