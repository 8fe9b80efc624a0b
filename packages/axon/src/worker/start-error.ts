import { WorkerStartError } from "../errors/host-errors.js";
import type { ControlMessage } from "./control-message.js";
import type { WorkerCommand } from "./spawn-worker.js";

/** Everything known about a failed start. */
export interface StartFailure extends WorkerCommand {
  id: string;
  startTimeoutMs?: number;
  exit?: { exitCode: number | null; signal: NodeJS.Signals | null };
  timedOut?: boolean;
  cause?: unknown;
  fatal?: Extract<ControlMessage, { type: "fatal" }>;
  stderr: string;
}

// Exit codes of docs/worker-protocol.md.
const EXIT_BAD_SPEC = 78;
const EXIT_CANNOT_BIND = 74;

/** A `WorkerStartError` that says what happened and how to fix it. */
export function startError(failure: StartFailure): WorkerStartError {
  const { id, exit, fatal } = failure;
  const causeCode = (failure.cause as NodeJS.ErrnoException | undefined)?.code;
  let what: string;
  if (causeCode === "ENOENT") what = `cannot run Python: ${failure.python} not found`;
  else if (fatal) what = fatal.message;
  else if (failure.timedOut) what = `not ready within ${failure.startTimeoutMs ?? 30_000} ms`;
  else if (exit)
    what = `exited during start-up (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`})`;
  else what = (failure.cause as Error | undefined)?.message ?? "unknown failure";
  return new WorkerStartError({
    message: `worker ${id} (${failure.module}) failed to start: ${what}`,
    agent: failure.agent,
    stderr: failure.stderr,
    exitCode: exit?.exitCode,
    signal: exit?.signal,
    timedOut: failure.timedOut,
    hint: hintFor(failure, causeCode),
    pythonTraceback: fatal?.traceback || undefined,
    cause: failure.cause,
  });
}

function hintFor(failure: StartFailure, causeCode: string | undefined): string {
  if (causeCode === "ENOENT") {
    return "set python.executable or python.venv in the config, or AXON_PYTHON, or run `npm install` to create python/.venv";
  }
  if (failure.fatal?.hint) return failure.fatal.hint;
  if (failure.exit?.exitCode === EXIT_CANNOT_BIND) return `check that ${failure.listen} can be bound`;
  const importable = `check that \`${failure.module}\` is importable from cwd ${failure.cwd} with ${failure.python}`;
  if (failure.exit?.exitCode === EXIT_BAD_SPEC) return importable;
  if (/No module named .?axon_worker/.test(failure.stderr)) {
    return `axon_worker is not installed for ${failure.python}; use the project venv (python/.venv) or set python.executable`;
  }
  return importable;
}
