import { type ChildProcess, spawn } from "node:child_process";

/** What a worker process is started with. */
export interface WorkerCommand {
  /** The Python executable. */
  python: string;
  /** Registered name of the hosted agent. */
  agent: string;
  /** `package.module:attribute` of the agent. */
  module: string;
  /** `unix:/abs/path.sock` (or `host:port`). */
  listen: string;
  /** Working directory; `module` imports from here. */
  cwd: string;
  /** Added to the host's environment. */
  env: Record<string, string>;
  /** Default model for the agent. Default: the agent's own. */
  model?: string;
}

/** The fd the worker writes control messages to (docs/worker-protocol.md). */
export const CONTROL_FD = 3;

/** The argument array (no shell, nothing interpolated into a command string). */
export function workerArgs(command: WorkerCommand): string[] {
  const args = [
    "-m",
    "axon_worker",
    "--agent",
    `${command.agent}=${command.module}`,
    "--listen",
    command.listen,
  ];
  args.push("--control-fd", String(CONTROL_FD), "--parent-pid", String(process.pid));
  if (command.model) args.push("--model", command.model);
  return args;
}

/**
 * Spawns a worker: stdin stays open for the host's whole life (the worker exits on its EOF, so
 * it cannot outlive a host killed with -9), stdout/stderr are the agent's own output, fd 3 is
 * the control channel.
 */
export function spawnWorker(command: WorkerCommand): ChildProcess {
  const child = spawn(command.python, workerArgs(command), {
    cwd: command.cwd,
    env: { ...process.env, ...command.env, PYTHONUNBUFFERED: "1" },
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
