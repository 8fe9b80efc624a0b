import { type Logger, pino } from "pino";
import { type AgentInfo, toAgentInfo } from "./agent-info.js";
import {
  AxonEventEmitter,
  type AxonEventName,
  type AxonListener,
  type ProgressEvent,
} from "./axon-events.js";
import type { AxonConfig, AxonConfigInput } from "./config/config-schema.js";
import { findPython } from "./config/find-python.js";
import { loadConfig } from "./config/load-config.js";
import { parseConfig } from "./config/parse-config.js";
import { AgentNotFoundError, AgentUnavailableError } from "./errors/host-errors.js";
import { InvalidRequestError } from "./errors/worker-errors.js";
import type { DescribeResponse } from "./gen/axon/v1/describe.js";
import { type AgentPool, createAgentPool } from "./pool/agent-pool.js";
import { parseRunOptions, type RunOptions } from "./run/run-options.js";
import { createRunStream } from "./run/run-stream.js";
import type { RunEvent, RunResult, RunStream } from "./run/run-types.js";
import { type StartedRun, startRun } from "./run/start-run.js";
import { createSupervisor } from "./supervisor/supervisor.js";
import { type ChildState, createWorkerChild, type WorkerChild } from "./supervisor/worker-child.js";
import { createSocketDir } from "./worker/socket-dir.js";

/** One worker, as `status()` reports it. */
export interface WorkerStatus {
  agent: string;
  instance: number;
  state: ChildState;
  pid: number | undefined;
  inFlight: number;
  /** Runs waiting for any instance of this agent. */
  queued: number;
  restarts: number;
  /** Since the current process became ready; 0 when it is not ready. */
  uptimeMs: number;
  address: string | undefined;
}

export interface Axon {
  /** Runs `agent` to completion. */
  run<T = unknown>(agent: string, prompt: string, options?: RunOptions): Promise<RunResult<T>>;
  /** Runs `agent` and streams its events; leaving a `for await` early cancels the run. */
  stream<T = unknown>(agent: string, prompt: string, options?: RunOptions): RunStream<T>;
  /** Each agent's description: schemas, tools, model. */
  agents(): Promise<AgentInfo[]>;
  /** Every worker's state, in start order. */
  status(): WorkerStatus[];
  /** Restarts every worker of one agent (also brings a `failed` agent back at once). */
  restart(agent: string): Promise<void>;
  /** Cancels a queued or in-flight run; false when no such run is active. */
  cancel(runId: string): boolean;
  on<E extends AxonEventName>(event: E, listener: AxonListener<E>): Axon;
  once<E extends AxonEventName>(event: E, listener: AxonListener<E>): Axon;
  off<E extends AxonEventName>(event: E, listener: AxonListener<E>): Axon;
  /** Stops taking runs, lets in-flight runs finish, then stops every worker (SIGKILL after `timeoutMs`, default 10 s). */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

export interface CreateAxonOptions {
  /** Host logger; Python log records are re-emitted on it. Default: pino to stderr at AXON_LOG_LEVEL, else `warn`. */
  logger?: Logger;
  /** Start-up progress. Default: none. */
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Starts the worker tree and resolves when every agent is ready.
 * @param configOrPath A config object, a config file path, or nothing for `axon.config.*` in the current directory.
 * @throws ConfigError for a bad config, WorkerStartError when a worker cannot start.
 */
export async function createAxon(
  configOrPath?: AxonConfigInput | string,
  options: CreateAxonOptions = {},
): Promise<Axon> {
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
  const python = findPython({ ...config.python, from: config.python.cwd }).executable;
  const socketDir = createSocketDir();

  const pools = new Map<string, AgentPool>();
  const describes = new Map<string, DescribeResponse>();
  const children: WorkerChild[] = [];
  for (const [agent, agentConfig] of Object.entries(config.agents)) {
    pools.set(agent, createAgentPool({ agent, ...agentConfig }));
    for (let instance = 0; instance < agentConfig.instances; instance++) {
      const listen = `unix:${socketDir.socketPath(agent, instance)}`;
      const env = { ...config.python.env, ...agentConfig.env };
      const command = {
        python,
        agent,
        module: agentConfig.module,
        listen,
        cwd: config.python.cwd,
        env,
        model: agentConfig.model,
      };
      children.push(createWorkerChild(agent, instance, agentConfig, command));
    }
  }
  const poolOf = (agent: string) => pools.get(agent) as AgentPool;
  const supervisor = createSupervisor({
    children,
    config: config.supervisor,
    startTimeoutMs: config.startTimeoutMs,
    logger,
    events,
    hooks: {
      workerUp(child, worker, ready) {
        describes.set(child.agent, ready.describe);
        poolOf(child.agent).add({ id: child.id, client: ready.client.agentService, gone: worker.exited });
      },
      workerDown: (child) => poolOf(child.agent).remove(child.id),
      agentAvailability: (agent, reason) =>
        poolOf(agent).setAvailability(reason === undefined ? { state: "up" } : { state: "down", reason }),
    },
  });
  try {
    await supervisor.start(options.onProgress);
  } catch (error) {
    socketDir.remove();
    throw error;
  }

  const active = new Map<string, StartedRun<unknown>>();
  let closing: Promise<void> | undefined;

  const begin = <T>(
    agent: string,
    prompt: string,
    runOptions: RunOptions | undefined,
    onEvent?: (event: RunEvent) => void,
  ) => {
    const pool = pools.get(agent);
    if (!pool) {
      const knownAgents = [...pools.keys()];
      const message = `unknown agent "${agent}"; known agents: ${knownAgents.join(", ")}`;
      throw new AgentNotFoundError({ message, agent, knownAgents });
    }
    if (closing) throw new AgentUnavailableError({ message: "axon is closed", agent });
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
    const timeoutMs = config.agents[agent]?.timeoutMs;
    const run = startRun<T>({ pool, agent, prompt, options: parsed, agentTimeoutMs: timeoutMs, onEvent });
    active.set(run.runId, run as StartedRun<unknown>);
    void run.result.then(
      () => active.delete(run.runId),
      () => active.delete(run.runId),
    );
    return run;
  };

  const axon: Axon = {
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
          ? [toAgentInfo(description, describe?.versions, config.agents[agent]?.instances ?? 1)]
          : [];
      });
    },
    status() {
      return children.map((child) => {
        const lifecycle = child.lifecycle;
        const ready = lifecycle.state === "ready" ? lifecycle.ready : undefined;
        const pool = poolOf(child.agent);
        return {
          agent: child.agent,
          instance: child.instance,
          state: lifecycle.state,
          pid: "worker" in lifecycle ? lifecycle.worker?.pid : undefined,
          inFlight: pool.inFlight(child.id),
          queued: pool.queued(),
          restarts: child.restarts,
          uptimeMs: ready ? Date.now() - ready.readyAt : 0,
          address: ready?.address,
        };
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
    close({ timeoutMs = 10_000 } = {}) {
      closing ??= (async () => {
        const deadline = Date.now() + timeoutMs;
        for (const pool of pools.values()) pool.setAvailability({ state: "down", reason: "axon is closed" });
        const idle = Promise.all([...pools.values()].map((pool) => pool.idle()));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([idle, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
        // Workers drain on SIGTERM too; whatever is left at the deadline is killed.
        await supervisor.stop(Math.max(0, deadline - Date.now()));
        socketDir.remove();
      })();
      return closing;
    },
  };
  return axon;
}
