import type { Logger } from "pino";
import type { AxonEventEmitter } from "../axon-events.js";
import type { SupervisorConfig } from "../config/config-schema.js";
import type { AxonError } from "../errors/axon-error.js";
import { AgentUnavailableError } from "../errors/host-errors.js";
import { startFailureReason } from "../worker/start-error.js";
import { type Backoff, createBackoff } from "./backoff.js";
import { createRestartIntensity, type RestartIntensity } from "./restart-intensity.js";
import type { SupervisorHooks } from "./supervisor.js";
import type { WorkerChild } from "./worker-child.js";

/**
 * What OTP lacks: instead of giving up for good when an agent exceeds its restart intensity (or
 * cannot boot on a restart), the agent is marked `failed` and brought back after an exponential
 * backoff, which resets once the agent has stayed up for `stableAfterMs`.
 */
export interface AgentRecovery {
  /** Counts a restart of `agent`; false when it exceeds the restart intensity. */
  allowRestart(agent: string): boolean;
  /** Marks `agent` failed: stops its workers, fails its runs fast, schedules a retry. */
  fail(agent: string, reason: string, cause?: AxonError): Promise<void>;
  /** Starts every worker of `agent` again; on failure the agent fails (and backs off) again. */
  bringBack(agent: string): Promise<void>;
  cancelRetry(agent: string): void;
  /** Marks the agent unavailable when none of its workers is running or coming back. */
  checkStopped(agent: string): void;
  dispose(): void;
}

export interface AgentRecoveryOptions {
  config: SupervisorConfig;
  logger: Logger;
  events: AxonEventEmitter;
  hooks: SupervisorHooks;
  childrenOf(agent: string): WorkerChild[];
  /** Stops a child's process on purpose and leaves it `failed`. */
  halt(child: WorkerChild): Promise<void>;
  /** Starts a new process in a child, counting a restart. */
  relaunch(child: WorkerChild): Promise<void>;
  isClosing(): boolean;
}

interface AgentState {
  intensity: RestartIntensity;
  backoff: Backoff;
  failed: boolean;
  /** Bumped by `cancelRetry`: a `fail` that began before must not schedule its retry after it. */
  epoch: number;
  retryTimer?: NodeJS.Timeout;
  stableTimer?: NodeJS.Timeout;
}

export function createAgentRecovery(options: AgentRecoveryOptions): AgentRecovery {
  const { config, logger, events, hooks } = options;
  const agents = new Map<string, AgentState>();
  const stateOf = (agent: string): AgentState => {
    let state = agents.get(agent);
    if (!state) {
      state = {
        intensity: createRestartIntensity(config),
        backoff: createBackoff(config.backoff),
        failed: false,
        epoch: 0,
      };
      agents.set(agent, state);
    }
    return state;
  };
  const clearTimers = (state: AgentState) => {
    clearTimeout(state.retryTimer);
    clearTimeout(state.stableTimer);
    state.retryTimer = undefined;
    state.stableTimer = undefined;
  };

  const recovery: AgentRecovery = {
    allowRestart: (agent) => stateOf(agent).intensity.allow(),
    async fail(agent, reason, cause) {
      const state = stateOf(agent);
      if (state.failed || options.isClosing()) return;
      state.failed = true;
      clearTimers(state);
      const retryInMs = state.backoff.next();
      const error = new AgentUnavailableError({
        message: `agent "${agent}" failed (${reason}); next attempt in ${retryInMs} ms`,
        agent,
        cause,
      });
      hooks.agentAvailability(agent, `it failed (${reason}); next attempt in ${retryInMs} ms`);
      logger.error({ agent, retryInMs, err: cause }, `agent failed: ${reason}`);
      events.emit("agent-failed", { agent, error, retryInMs });
      const epoch = state.epoch;
      await Promise.all(options.childrenOf(agent).map((child) => options.halt(child)));
      // A restart asked for while the workers stopped has taken over: its timer would relaunch
      // the healthy agent later and orphan the workers that restart started.
      if (options.isClosing() || state.epoch !== epoch) return;
      state.retryTimer = setTimeout(() => {
        if (state.failed && !options.isClosing()) void recovery.bringBack(agent);
      }, retryInMs);
    },
    async bringBack(agent) {
      const state = stateOf(agent);
      clearTimers(state);
      const children = options.childrenOf(agent);
      for (const child of children) child.lifecycle = { state: "restarting" };
      try {
        await Promise.all(children.map((child) => options.relaunch(child)));
      } catch (error) {
        if (options.isClosing()) return;
        state.failed = false;
        await recovery.fail(agent, `restart failed: ${startFailureReason(error)}`, error as AxonError);
        return;
      }
      state.failed = false;
      state.intensity.reset();
      hooks.agentAvailability(agent, undefined);
      state.stableTimer = setTimeout(() => state.backoff.reset(), config.stableAfterMs);
      state.stableTimer.unref();
    },
    cancelRetry(agent) {
      const state = stateOf(agent);
      state.epoch += 1;
      clearTimers(state);
    },
    checkStopped(agent) {
      const children = options.childrenOf(agent);
      if (children.every((child) => child.lifecycle.state === "stopped")) {
        hooks.agentAvailability(agent, `every worker has stopped (restart: ${children[0]?.config.restart})`);
      }
    },
    dispose() {
      for (const state of agents.values()) clearTimers(state);
    },
  };
  return recovery;
}
