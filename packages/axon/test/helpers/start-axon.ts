import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import {
  type Axon,
  type AxonConfigInput,
  type AxonEventName,
  type AxonEvents,
  createAxon,
} from "../../src/index.js";

/** The repository root: the demo agents import as `examples.agents.*` from here. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * Python workers import pydantic-ai at start (~2 s of CPU); on a shared, loaded machine that can
 * take far longer, which must not fail a test about something else.
 */
export const SLOW_START_MS = 120_000;
/** For `beforeAll` / tests that start workers. */
export const STARTUP_TIMEOUT_MS = 180_000;

/** Test configs: quick backoffs, so that recovery fits in a test. */
export const fastSupervisor = {
  maxRestarts: 3,
  withinMs: 5000,
  backoff: { initialMs: 200, maxMs: 1000, jitter: 0 },
  stableAfterMs: 5000,
} as const;

/** Starts Axon on the demo agents with a silent logger (the tests read events instead). */
export function startAxon(
  agents: AxonConfigInput["agents"],
  extra: Partial<AxonConfigInput> = {},
): Promise<Axon> {
  return createAxon(
    {
      python: { cwd: repoRoot },
      supervisor: fastSupervisor,
      startTimeoutMs: SLOW_START_MS,
      ...extra,
      agents,
    },
    { logger: pino({ level: "silent" }) },
  );
}

/** Resolves with the next `event` matching `match`. */
export function nextEvent<E extends AxonEventName>(
  axon: Axon,
  event: E,
  match: (payload: AxonEvents[E]) => boolean = () => true,
): Promise<AxonEvents[E]> {
  return new Promise((resolve) => {
    const listener = (payload: AxonEvents[E]) => {
      if (!match(payload)) return;
      axon.off(event, listener);
      resolve(payload);
    };
    axon.on(event, listener);
  });
}

/** True while `pid` runs; a zombie (exited, not yet reaped by init) counts as dead. */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." where S is the state; the comm may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes. */
export async function waitFor(check: () => boolean, timeoutMs = SLOW_START_MS): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function pidOf(axon: Axon, agent: string, instance = 0): number | undefined {
  return axon.status().find((s) => s.agent === agent && s.instance === instance)?.pid;
}
