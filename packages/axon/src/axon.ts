import { type Logger, pino } from "pino";
import { type AgentInfo, toAgentInfo } from "./agent-info.js";
import {
  AxonEventEmitter,
  type AxonEventName,
  type AxonListener,
  type ProgressEvent,
} from "./axon-events.js";
import type { AxonConfig, AxonConfigInput } from "./config/config-schema.js";
import { MAX_DELAY_MS } from "./config/delay-ms.js";
import { loadConfig } from "./config/load-config.js";
import { parseConfig } from "./config/parse-config.js";
import { AgentNotFoundError } from "./errors/host-errors.js";
import { ShuttingDownError } from "./errors/shutting-down-error.js";
import { InvalidRequestError } from "./errors/worker-errors.js";
import { asShutdownError, drainRuns, type RunDrain } from "./run/drain-runs.js";
import { parseRunOptions, type RunOptions } from "./run/run-options.js";
import { createRunStream, type EventSink } from "./run/run-stream.js";
import type { RunResult, RunStream } from "./run/run-types.js";
import { type StartedRun, startRun } from "./run/start-run.js";
import type { AgentName, AgentTypeMap, RunOptionsFor, RunOutput } from "./typed-agents.js";
import { remoteStatus, standbyStatus, type WorkerStatus, workerStatus } from "./worker-status.js";

// Kept here too: the CLI and the gateway import it from this module.
export type { WorkerStatus } from "./worker-status.js";

import { type AppliedConfigChange, applyConfigChange } from "./apply-config-change.js";
import { planConfigChange } from "./live-config.js";
import { createRuns, type Runs } from "./runs/runs.js";
import { sharedStore } from "./runs/shared-store.js";
import type { ReloadResult } from "./supervisor/rolling-reload.js";
import { storeExists, storeOpener } from "./threads/open-thread-store.js";
import { createThreads, type Threads } from "./threads/threads.js";
import { createWorkerTree } from "./worker-tree.js";

export type { AppliedConfigChange } from "./apply-config-change.js";
export type { ReloadResult } from "./supervisor/rolling-reload.js";

/**
 * A running worker tree. `Types` (the `AgentTypes` that `axon types` generates) types each
 * agent's output and deps by its name; without it, as with `run<T>`, the caller says the type.
 */
// biome-ignore lint/suspicious/noExplicitAny: `any` is "untyped" here, see typed-agents.ts.
export interface Axon<Types extends AgentTypeMap<Types> = any> {
  /** Runs `agent` to completion. */
  run<T = unknown, A extends AgentName<Types> = AgentName<Types>>(
    agent: A,
    prompt: string,
    options?: RunOptionsFor<Types, A>,
  ): Promise<RunResult<RunOutput<Types, A, T>>>;
  /** Runs `agent` and streams its events; leaving a `for await` early cancels the run. */
  stream<T = unknown, A extends AgentName<Types> = AgentName<Types>>(
    agent: A,
    prompt: string,
    options?: RunOptionsFor<Types, A>,
  ): RunStream<RunOutput<Types, A, T>>;
  /** Each agent's description: schemas, tools, model. */
  agents(): Promise<AgentInfo[]>;
  /** Every worker's state, in start order; each agent's warm spares (state `standby`) after its workers. */
  status(): WorkerStatus[];
  /** Restarts every worker of one agent (also brings a `failed` agent back at once). */
  restart(agent: string): Promise<void>;
  /**
   * Rolling restart: replaces the workers of `agent` (default: every agent) one at a time with new
   * processes (new code), losing no run: each new worker boots and is checked before it takes runs,
   * the old one finishes its runs in flight, then stops. Calls during a reload share it.
   * @throws WorkerStartError (with the Python traceback) when a new worker cannot boot or import
   *   the agent: the old workers keep serving; also `reload-failed` and `status()[i].lastReloadError`.
   * @throws ShuttingDownError while `close()` drains.
   */
  reload(agent?: string): Promise<ReloadResult[]>;
  /**
   * Applies an edited config (an object, or a file path to load again) to the running tree where
   * that can be done live (docs/dev.md): agents added or removed, `instances`, `maxConcurrency`,
   * `timeoutMs`, `tools`, `restart`, and a rolling reload for a changed `module`, `spec`, `deps`,
   * `lifespan`, `env` or `model`. The rest is listed in `needsRestart` and not applied.
   * @throws ConfigError when the new config is invalid (nothing is applied).
   */
  reconfigure(configOrPath: AxonConfigInput | string): Promise<AppliedConfigChange>;
  /** Cancels a queued or in-flight run; false when no such run is active. */
  cancel(runId: string): boolean;
  /** Conversations kept on the server, and runs on them (docs/threads.md); the store opens on first use. */
  threads: Threads;
  /** Runs kept in the store: background runs, their status, cancel, and event logs (docs/threads.md). */
  runs: Runs;
  on<E extends AxonEventName>(event: E, listener: AxonListener<E>): Axon<Types>;
  once<E extends AxonEventName>(event: E, listener: AxonListener<E>): Axon<Types>;
  off<E extends AxonEventName>(event: E, listener: AxonListener<E>): Axon<Types>;
  /**
   * Stops taking runs (`ShuttingDownError`), lets the runs in flight finish within the grace
   * period, cuts what is left with `ShuttingDownError`, then stops every worker. Calling it again
   * with a shorter grace cuts sooner (`{ graceMs: 0 }`: at once); it resolves with the first call.
   */
  close(options?: CloseOptions): Promise<void>;
}

export interface CloseOptions {
  /** How long runs in flight may finish before they are cut. Default: the config's `shutdownGraceMs` (30000 ms). */
  graceMs?: number;
  /** @deprecated The former name of `graceMs`; used when `graceMs` is absent. */
  timeoutMs?: number;
}

// Once no run is left a worker exits on SIGTERM at once; this only bounds a stuck one (SIGKILL).
const WORKER_STOP_TIMEOUT_MS = 5000;

export interface CreateAxonOptions {
  /** Host logger; Python log records are re-emitted on it. Default: pino to stderr at AXON_LOG_LEVEL, else `warn`. */
  logger?: Logger;
  /** Start-up progress. Default: none. */
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Starts the worker tree and resolves when every agent is ready.
 * @typeParam Types The `AgentTypes` of `axon types` (`createAxon<AgentTypes>()`); default: untyped.
 * @param configOrPath A config object, a config file path, or nothing for `axon.config.*` in the current directory.
 * @throws ConfigError for a bad config, WorkerStartError when a worker cannot start.
 */
// biome-ignore lint/suspicious/noExplicitAny: `any` is "untyped" here, see typed-agents.ts.
export async function createAxon<Types extends AgentTypeMap<Types> = any>(
  configOrPath?: AxonConfigInput | string,
  options: CreateAxonOptions = {},
): Promise<Axon<Types>> {
  const config: AxonConfig =
    typeof configOrPath === "object"
      ? parseConfig(configOrPath, process.cwd())
      : await loadConfig(configOrPath);
  const logger =
    options.logger ??
    pino({ name: "axon", level: process.env.AXON_LOG_LEVEL ?? "warn" }, pino.destination(2));
  const events = new AxonEventEmitter((error) =>
    logger.error({ err: error }, "an Axon event listener threw"),
  );
  const tree = createWorkerTree(config, logger, events);
  const { supervisor, pools, describes, socketDir, remotes, poolOf, launcher } = tree;
  try {
    await supervisor.start(options.onProgress);
    // Remote workers are resolved once before the first run; they come and go by themselves later.
    await Promise.all([...remotes.values()].map((remote) => remote.start()));
  } catch (error) {
    for (const remote of remotes.values()) remote.close();
    await supervisor.stop(WORKER_STOP_TIMEOUT_MS);
    launcher.close();
    socketDir.remove();
    throw error;
  }

  const active = new Map<string, StartedRun<unknown>>();
  let closing: Promise<void> | undefined;
  let drain: RunDrain | undefined;
  let reconfiguring: Promise<unknown> = Promise.resolve();

  const begin = <T>(
    agent: string,
    prompt: string,
    runOptions: RunOptions | undefined,
    onEvent?: EventSink,
  ) => {
    const pool = pools.get(agent);
    if (!pool) {
      const knownAgents = [...pools.keys()];
      const message = `unknown agent "${agent}"; known agents: ${knownAgents.join(", ")}`;
      throw new AgentNotFoundError({ message, agent, knownAgents });
    }
    if (closing)
      throw new ShuttingDownError({ message: "axon is shutting down: it takes no new runs", agent });
    if (typeof prompt !== "string") {
      throw new InvalidRequestError({ message: "the prompt must be a string", agent, field: "prompt" });
    }
    const parsed = parseRunOptions(runOptions, agent);
    if (parsed.runId !== undefined && active.has(parsed.runId)) {
      throw new InvalidRequestError({
        message: `run id "${parsed.runId}" is already in use`,
        agent,
        field: "runId",
      });
    }
    const { timeoutMs, tools } = config.agents[agent] ?? {};
    const started = startRun<T>({
      pool,
      agent,
      prompt,
      options: parsed,
      agentTimeoutMs: timeoutMs,
      agentTools: tools,
      onEvent,
      maxRetryAttempts: config.maxRetryAttempts,
      maxMessageBytes: config.maxMessageBytes,
    });
    // A worker that stops under a run while Axon drains stops because of the shutdown (Ctrl-C
    // in a terminal, or systemd's default KillMode, signals the workers too): say so.
    const result = started.result.catch((error: unknown) => {
      throw drain ? asShutdownError(error) : error;
    });
    const run: StartedRun<T> = { ...started, result };
    active.set(run.runId, run as StartedRun<unknown>);
    void run.result.then(
      () => active.delete(run.runId),
      () => active.delete(run.runId),
    );
    return run;
  };

  // One store for threads and runs; at its open, the runs a dead process left are recovered.
  const store = sharedStore(storeOpener(config.storage, config.baseDir), (opened) => runs.onOpen(opened));
  const runs = createRuns(
    () => axon,
    store,
    config.runs,
    () => storeExists(config.storage, config.baseDir),
  );
  const threads = createThreads(() => axon, store, runs);
  const axon: Axon = {
    threads,
    runs,
    async run<T>(agent: string, prompt: string, runOptions?: RunOptions) {
      return begin<T>(agent, prompt, runOptions).result;
    },
    stream<T>(agent: string, prompt: string, runOptions?: RunOptions) {
      return createRunStream<T>((buffer) => {
        try {
          return begin<T>(agent, prompt, runOptions, buffer.push);
        } catch (error) {
          return { runId: runOptions?.runId ?? "", result: Promise.reject(error), cancel() {} };
        }
      });
    },
    async agents() {
      return [...pools.keys()].flatMap((agent) => {
        const describe = describes.get(agent);
        const description = describe?.agents.find((a) => a.name === agent);
        return description
          ? [
              toAgentInfo(
                description,
                describe?.versions,
                config.agents[agent]?.instances ?? 1,
                config.agents[agent]?.tools,
              ),
            ]
          : [];
      });
    },
    status() {
      // By agent in config order: its local workers, their spares, then its remote members.
      return [...pools.keys()].flatMap((agent) => {
        const local = supervisor.children.filter((child) => child.agent === agent);
        const spares = supervisor.standbys.find((standby) => standby.agent === agent)?.slots ?? [];
        const remote = remotes.get(agent);
        return [
          ...local.map((child) => workerStatus(child, poolOf(agent), supervisor.reloadError(agent))),
          ...spares.map((slot) => standbyStatus(slot, poolOf(agent))),
          ...(remote ? remoteStatus(agent, remote.targets, poolOf(agent), local.length + spares.length) : []),
        ];
      });
    },
    async restart(agent) {
      if (!pools.has(agent))
        throw new AgentNotFoundError({
          message: `unknown agent "${agent}"`,
          agent,
          knownAgents: [...pools.keys()],
        });
      await supervisor.restartAgent(agent);
    },
    async reload(agent) {
      if (agent !== undefined && !pools.has(agent))
        throw new AgentNotFoundError({
          message: `unknown agent "${agent}"`,
          agent,
          knownAgents: [...pools.keys()],
        });
      if (closing || drain)
        throw new ShuttingDownError({ message: "axon is shutting down: it takes no reloads", agent });
      // Agent by agent, so that a broken module stops the roll before it touches the next agent.
      const results: ReloadResult[] = [];
      for (const name of agent === undefined ? [...pools.keys()] : [agent]) {
        results.push(await supervisor.reloadAgent(name));
      }
      return results;
    },
    async reconfigure(configOrPath) {
      const next =
        typeof configOrPath === "object"
          ? parseConfig(configOrPath, process.cwd())
          : await loadConfig(configOrPath);
      if (closing || drain)
        throw new ShuttingDownError({ message: "axon is shutting down: it takes no config changes" });
      // One change at a time: a second edit waits for the first to be applied.
      const applied = reconfiguring.then(() =>
        applyConfigChange(tree, config, next, planConfigChange(config, next)),
      );
      reconfiguring = applied.catch(() => undefined);
      return applied;
    },
    cancel(runId) {
      const run = active.get(runId);
      run?.cancel();
      return run !== undefined;
    },
    on(event, listener) {
      events.on(event, listener);
      return axon;
    },
    once(event, listener) {
      events.once(event, listener);
      return axon;
    },
    off(event, listener) {
      events.off(event, listener);
      return axon;
    },
    close(closeOptions = {}) {
      // Capped at a timer's longest wait: a longer one would fire at once and cut every run.
      const graceMs = Math.min(
        closeOptions.graceMs ?? closeOptions.timeoutMs ?? config.shutdownGraceMs,
        MAX_DELAY_MS,
      );
      // The pools stay up while draining: a run in flight still needs them for its retries and
      // for the round trips after its host tools. `begin` refuses new runs from here on.
      runs.drain(); // stored runs still queued here go back to the store, for the next process
      drain ??= drainRuns(active);
      drain.cutAfter(graceMs);
      const runsEnded = drain.done;
      closing ??= (async () => {
        await runsEnded;
        await runs.close();
        await threads.close();
        const reason = "axon is shutting down";
        for (const pool of pools.values()) pool.setAvailability({ state: "down", reason });
        for (const remote of remotes.values()) remote.close();
        await supervisor.stop(WORKER_STOP_TIMEOUT_MS);
        launcher.close();
        socketDir.remove();
      })();
      return closing;
    },
  };
  return axon;
}
