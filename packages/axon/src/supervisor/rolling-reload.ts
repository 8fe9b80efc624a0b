import type { AxonError } from "../errors/axon-error.js";
import { AgentUnavailableError } from "../errors/host-errors.js";
import { ShuttingDownError } from "../errors/shutting-down-error.js";
import type { ReadyWorker, WorkerProcess } from "../worker/worker-process.js";
import type { WorkerChild } from "./worker-child.js";

// A rolling reload replaces an agent's workers one at a time without losing a run
// (docs/supervision.md): the new process boots beside the old one (on a socket of its own),
// joins the pool under a new member id, the old one leaves routing but stays a member so that
// its runs in flight are still counted, and it is stopped only once they have ended.

/** What one reload did. */
export interface ReloadResult {
  agent: string;
  /** Workers replaced by a new process (0 for an agent served only by remote workers). */
  workers: number;
  durationMs: number;
  /** `rolling`: one at a time, none lost; `restart`: the agent had failed and was started again. */
  mode: "rolling" | "restart";
}

export interface RollingReloadContext {
  /** A new process for `child`, on a socket of its own; not in the slot yet. */
  spawn(child: WorkerChild): WorkerProcess;
  /** Puts a ready worker into `child`'s slot and into its pool (under `child.memberId`). */
  serve(child: WorkerChild, worker: WorkerProcess, ready: ReadyWorker): void;
  /** Takes a member out of routing; its runs in flight go on and are still counted. */
  memberDraining(agent: string, memberId: string): void;
  memberInFlight(agent: string, memberId: string): number;
  memberDown(agent: string, memberId: string): void;
  /** How long the old worker's runs may take before it is stopped anyway (its own drain follows). */
  drainMs: number;
  /** How long a worker may take to exit on SIGTERM before SIGKILL. */
  stopMs: number;
  isClosing(): boolean;
}

const POLL_MS = 20;

/** Replaces `child`'s ready worker with a new process; rejects (old one still serving) when it cannot. */
export async function replaceChild(child: WorkerChild, context: RollingReloadContext): Promise<void> {
  const current = child.lifecycle;
  if (current.state !== "ready") return;
  const old = current.worker;
  const next = context.spawn(child);
  child.replacing = { state: "starting", worker: next };
  let ready: ReadyWorker;
  try {
    ready = await next.start();
    checkDescribes(child, ready);
  } catch (error) {
    child.replacing = undefined;
    child.stopping.add(next);
    await next.stop(0);
    throw error;
  }
  // The slot changed while the new worker booted (a crash restarted it, or Axon closes): the
  // new worker has nothing to replace.
  if (context.isClosing() || child.lifecycle.state !== "ready" || child.lifecycle.worker !== old) {
    child.replacing = undefined;
    child.stopping.add(next);
    await next.stop(0);
    throw context.isClosing()
      ? new ShuttingDownError({ message: "axon is shutting down: the reload stopped", agent: child.agent })
      : new AgentUnavailableError({
          message: `worker ${child.id} was restarted during the reload`,
          agent: child.agent,
        });
  }
  const oldMember = child.memberId;
  child.stopping.add(old);
  child.memberId = `${child.id}~${child.boots - 1}`;
  // New runs go to the new worker from here on; the old one keeps the runs it has.
  context.serve(child, next, ready);
  context.memberDraining(child.agent, oldMember);
  child.replacing = { state: "draining", worker: old };
  await drained(child.agent, oldMember, old, context);
  context.memberDown(child.agent, oldMember);
  // SIGTERM: with nothing in flight the worker exits at once; a run past `drainMs` gets the
  // worker's own drain (its `--grace`), then SIGKILL after `stopMs`.
  await old.stop(context.stopMs);
  if (child.replacing?.worker === old) child.replacing = undefined;
}

/** Resolves once the old member has no run in flight, it exited, `drainMs` passed or Axon closes. */
async function drained(
  agent: string,
  memberId: string,
  worker: WorkerProcess,
  context: RollingReloadContext,
): Promise<void> {
  const until = Date.now() + context.drainMs;
  let exited = false;
  void worker.exited.then(() => {
    exited = true;
  });
  while (!exited && !context.isClosing() && Date.now() < until) {
    if (context.memberInFlight(agent, memberId) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The new code still loads the agent: its `Describe` (from the handshake) must list it. */
function checkDescribes(child: WorkerChild, ready: ReadyWorker): void {
  if (ready.describe.agents.some((agent) => agent.name === child.agent)) return;
  const listed = ready.describe.agents.map((agent) => agent.name).join(", ") || "none";
  throw new AgentUnavailableError({
    message: `the new worker of ${child.id} does not describe agent "${child.agent}" (it lists: ${listed})`,
    agent: child.agent,
  });
}

/** The error of a reload as `status()` shows it: message and, for an import error, the traceback. */
export interface ReloadErrorView {
  code: AxonError["code"];
  message: string;
  pythonTraceback?: string;
  /** When it failed (ms since epoch). */
  at: number;
}

export function reloadErrorView(error: AxonError): ReloadErrorView {
  const traceback =
    error.pythonTraceback ??
    // A module that does not import dies before its handshake: the traceback is on stderr.
    (typeof (error as { stderr?: unknown }).stderr === "string"
      ? tracebackIn((error as unknown as { stderr: string }).stderr)
      : undefined);
  return { code: error.code, message: error.message, pythonTraceback: traceback, at: Date.now() };
}

function tracebackIn(stderr: string): string | undefined {
  const start = stderr.lastIndexOf("Traceback (most recent call last)");
  return start < 0 ? undefined : stderr.slice(start).trimEnd();
}
