import { statSync } from "node:fs";
import { isAxonError } from "../errors/axon-error.js";
import { WorkerStartError } from "../errors/host-errors.js";
import { type ControlMessage, PROTOCOL_VERSION } from "./control-message.js";
import { agentSource, type WorkerCommand } from "./spawn-worker.js";

/** Everything known about a failed start. */
export interface StartFailure extends WorkerCommand {
  id: string;
  startTimeoutMs?: number;
  exit?: { exitCode: number | null; signal: NodeJS.Signals | null };
  timedOut?: boolean;
  cause?: unknown;
  fatal?: Extract<ControlMessage, { type: "fatal" }>;
  /** The worker announced another protocol version than the host's (`worker` undefined: none). */
  protocol?: { worker: number | undefined; workerVersion?: string };
  stderr: string;
}

// Exit codes of docs/worker-protocol.md.
const EXIT_BAD_SPEC = 78;
const EXIT_CANNOT_BIND = 74;

// How much of stderr the message quotes; the whole tail stays in `stderr`. The CLI prints only
// `code: message`, so the message is where a user sees the import error.
const TAIL_LINES = 12;
const TAIL_LINE_CHARS = 300;

const SETUP = "run `npx axon setup` (it creates the project's .venv and installs the worker)";

/** A `WorkerStartError` that says what happened and how to fix it. */
export function startError(failure: StartFailure): WorkerStartError {
  const { id, exit, fatal } = failure;
  const causeCode = (failure.cause as NodeJS.ErrnoException | undefined)?.code;
  const cwdMissing = causeCode === "ENOENT" && !isDirectory(failure.cwd);
  const hint = hintFor(failure, causeCode, cwdMissing);
  const tail = stderrTail(failure.stderr);
  return new WorkerStartError({
    message: `worker ${id} (${agentSource(failure)}) failed to start: ${what(failure, causeCode, cwdMissing)}${tail}\n  fix: ${hint}`,
    agent: failure.agent,
    stderr: failure.stderr,
    exitCode: exit?.exitCode,
    signal: exit?.signal,
    timedOut: failure.timedOut,
    hint,
    pythonTraceback: fatal?.traceback || undefined,
    cause: failure.cause,
  });
}

function what(failure: StartFailure, causeCode: string | undefined, cwdMissing: boolean): string {
  const { exit, fatal, protocol } = failure;
  // Node reports a missing working directory as ENOENT of the executable: tell them apart.
  if (cwdMissing) return `the working directory (python.cwd) ${failure.cwd} does not exist`;
  if (causeCode === "ENOENT") return `cannot run Python: ${failure.python} not found`;
  if (causeCode === "EACCES") return `cannot run Python: ${failure.python} is not executable`;
  if (causeCode === "E2BIG") return `cannot spawn ${failure.python}: its environment is too large (E2BIG)`;
  if (causeCode === "ERR_INVALID_ARG_VALUE") {
    return `cannot spawn ${failure.python}: ${(failure.cause as Error).message}`;
  }
  if (protocol) {
    const theirs =
      protocol.worker === undefined
        ? "announces no protocol version"
        : `speaks worker protocol ${protocol.worker}`;
    const version = protocol.workerVersion ? ` (axon_worker ${protocol.workerVersion})` : "";
    return `the worker${version} ${theirs}, this Axon speaks protocol ${PROTOCOL_VERSION}`;
  }
  if (fatal) return fatal.message;
  if (failure.timedOut) return `not ready within ${failure.startTimeoutMs ?? 30_000} ms`;
  // Before `exit`: after a failed handshake the exit is the SIGKILL the host sent, not the cause.
  const rpc = handshakeFailure(failure.cause);
  if (rpc !== undefined) return `its handshake (health check, Describe) failed: ${rpc}`;
  if (exit)
    return `exited during start-up (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`})`;
  return (failure.cause as Error | undefined)?.message ?? "unknown failure";
}

function hintFor(failure: StartFailure, causeCode: string | undefined, cwdMissing: boolean): string {
  const { python } = failure;
  const elsewhere = "or point python.venv / python.executable / AXON_PYTHON at a venv that has it";
  if (cwdMissing) {
    return "create that directory, or set python.cwd to the directory your agent modules import from (relative to the config file)";
  }
  if (causeCode === "ENOENT")
    return `${SETUP}, or set python.venv / python.executable in the config, or AXON_PYTHON`;
  if (causeCode === "EACCES")
    return `make ${python} executable, or point python.executable / AXON_PYTHON at a Python`;
  if (causeCode === "E2BIG") {
    return "keep each environment variable (python.env, agents.<name>.env and the host's own) under 128 KiB and all of them under 2 MiB; pass large data in a file";
  }
  if (causeCode === "ERR_INVALID_ARG_VALUE") {
    return "remove the NUL byte from the value named above (python.env, agents.<name>.env, model, python.cwd or python.executable)";
  }
  if (failure.protocol) {
    return `reinstall the worker wheel that ships with this Axon: ${SETUP}; or update the venv that python.venv / AXON_PYTHON points at`;
  }
  if (failure.fatal?.hint) return failure.fatal.hint;
  if (handshakeFailure(failure.cause) !== undefined) {
    return "the worker raised while answering; its log records (and stderr above) carry the Python traceback";
  }
  if (failure.exit?.exitCode === EXIT_CANNOT_BIND) return `check that ${failure.listen} can be bound`;
  if (failure.timedOut) {
    return `see the worker's stderr; on a slow or loaded machine raise startTimeoutMs (now ${failure.startTimeoutMs ?? 30_000} ms)`;
  }
  const importable =
    failure.module === undefined
      ? `check the agent's spec (${agentSource(failure)}) and what its worker's stderr says`
      : `check that \`${failure.module}\` is importable from cwd ${failure.cwd} with ${python}`;
  if (failure.exit?.exitCode === EXIT_BAD_SPEC) return importable;
  if (/No module named .?axon_worker\b/.test(failure.stderr)) {
    return `the Python at ${python} has no axon_worker; ${SETUP}, ${elsewhere}`;
  }
  const dependency = /No module named .?(pydantic_ai|grpc|grpc_health)\b/.exec(failure.stderr)?.[1];
  if (dependency)
    return `the Python at ${python} lacks the worker's dependency ${dependency}; ${SETUP}, ${elsewhere}`;
  return importable;
}

/**
 * A failed start in one line, for an agent's `failed` reason (it ends up in every run's
 * `AgentUnavailableError` and in `status()`): the message's first line and the fix, no stderr.
 */
export function startFailureReason(error: unknown): string {
  const [first = String(error)] = (error instanceof Error ? error.message : String(error)).split("\n", 1);
  // By code, not `instanceof`: the error may come from another copy of this package.
  const hint =
    isAxonError(error) && error.code === "worker_start_failed" ? (error as WorkerStartError).hint : "";
  return hint ? `${first}; fix: ${hint}` : first;
}

/** The status details of a gRPC error (a grpc-js `ServiceError`: numeric `code`, `details`). */
function handshakeFailure(cause: unknown): string | undefined {
  const error = cause as { code?: unknown; details?: unknown } | null | undefined;
  return typeof error?.code === "number" && typeof error.details === "string" ? error.details : undefined;
}

/** The last lines of stderr, indented under the message; empty when there is none. */
function stderrTail(stderr: string): string {
  const lines = stderr
    .trimEnd()
    .split("\n")
    .filter((line) => line.trim() !== "");
  if (lines.length === 0) return "";
  const cut = (line: string) => (line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line);
  const shown = lines.slice(-TAIL_LINES).map(cut);
  const label = lines.length > TAIL_LINES ? `stderr (last ${TAIL_LINES} lines)` : "stderr";
  return `\n  ${label}:\n    ${shown.join("\n    ")}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
