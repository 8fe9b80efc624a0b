// `axon serve` as a child process (from the sources, real workers), for the tests of what it
// does on signals: its URL once it serves, what it printed, and how it exited.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { SLOW_START_MS } from "../helpers/start-axon.js";

const cli = fileURLToPath(new URL("./fixtures/axon-cli.mjs", import.meta.url));
/** One agent, `chaos` (examples/agents/chaos.py): `sleep N` keeps a run in flight N seconds. */
export const CHAOS_CONFIG = fileURLToPath(new URL("./fixtures/chaos-config.json", import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** Spawns `axon serve <args>`; AXON_LOG_LEVEL=silent keeps the workers' own logs out of stderr. */
export function spawnServe(args: string[], env: Record<string, string> = {}): ServeProcess {
  const child = spawn(process.execPath, [cli, "serve", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AXON_LOG_LEVEL: "silent", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

/** The gateway's URL, once `axon serve` says it serves (its workers are ready). */
export async function servingUrl(serve: ServeProcess): Promise<string> {
  const until = Date.now() + SLOW_START_MS;
  for (;;) {
    const match = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(serve.stdout());
    if (match?.[1]) return match[1];
    if (serve.child.exitCode !== null || Date.now() > until) {
      throw new Error(`axon serve did not serve: ${serve.stdout()}\n${serve.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A port nobody listens on now (the kernel's pick). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs in flight on the agent's workers, from the gateway's /metrics. */
export async function inFlight(url: string, agent: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const pattern = new RegExp(`^axon_worker_in_flight\\{agent="${agent}"[^}]*\\} (\\d+)$`, "gm");
  return [...metrics.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** Polls `check` every 50 ms until it resolves true. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The JSON answer of a run: its output, or the gateway's error body. */
export interface RunBody {
  output?: unknown;
  error?: { code: string; message: string; retryable: boolean; graceMs?: number; [field: string]: unknown };
}

/** POSTs a run; resolves with its status, headers and JSON body. */
export async function postRun(url: string, agent: string, prompt: string) {
  const response = await fetch(`${url}/v1/agents/${agent}/run`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as RunBody };
}

/** POSTs a streamed run and reads it to its end; resolves with the SSE event names and the last event's data. */
export async function postStream(url: string, agent: string, prompt: string) {
  const response = await fetch(`${url}/v1/agents/${agent}/stream`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt }),
  });
  const text = await response.text();
  const events = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
  const data = [...text.matchAll(/^data: (.+)$/gm)].map((match) => JSON.parse(match[1] as string));
  return { status: response.status, events, last: data.at(-1) };
}
