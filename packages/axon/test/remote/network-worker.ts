// A worker started the way Kubernetes starts one (`python -m axon_worker --listen HOST:PORT`),
// not by Axon's supervisor: for the tests of remote pools. Its address comes from its `ready`.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { repoRoot } from "../helpers/start-axon.js";

export interface NetworkWorker {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface NetworkWorkerOptions {
  /** Default: 127.0.0.1:0. */
  listen?: string;
  /** Sets AXON_WORKER_TOKEN. Default: none. */
  token?: string;
  /** Extra flags (e.g. --insecure, --tls-cert ...). Default: none. */
  args?: string[];
  /** Prefix of the command, e.g. ["ip", "netns", "exec", "h1"]. Default: none. */
  wrap?: string[];
  agent?: string;
}

export async function startNetworkWorker(options: NetworkWorkerOptions = {}): Promise<NetworkWorker> {
  const python = join(repoRoot, "python", ".venv", "bin", "python");
  const argv = [
    "-m",
    "axon_worker",
    "--agent",
    options.agent ?? "echo=examples.agents.echo:agent",
    "--listen",
    options.listen ?? "127.0.0.1:0",
    "--control-fd",
    "3",
    "--grace",
    "2",
    ...(options.args ?? []),
  ];
  const [command, ...prefix] = [...(options.wrap ?? []), python];
  const child = spawn(command as string, [...prefix, ...argv], {
    cwd: repoRoot,
    env: { ...process.env, ...(options.token ? { AXON_WORKER_TOKEN: options.token } : {}) },
    stdio: ["pipe", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const address = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdio[3] as Readable });
    lines.on("line", (line) => {
      const message = JSON.parse(line) as { type: string; address?: string; message?: string };
      if (message.type === "ready" && message.address) resolve(message.address);
      if (message.type === "fatal") reject(new Error(`worker refused to start: ${message.message}`));
    });
    child.on("exit", (code) => reject(new Error(`worker exited (${code}) before ready: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    address: address.replace(/^tcp:/, ""),
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
