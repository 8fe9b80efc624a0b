import type { Logger } from "pino";
import type { AxonEventEmitter, ProgressEvent } from "../axon-events.js";
import type { SupervisorConfig } from "../config/config-schema.js";
import type { AxonError } from "../errors/axon-error.js";
import { AgentUnavailableError } from "../errors/host-errors.js";
import { ShuttingDownError } from "../errors/shutting-down-error.js";
import { watchHealth } from "../transport/health-monitor.js";
import type { WorkerLauncher } from "../worker/launched-worker.js";
import { startFailureReason } from "../worker/start-error.js";
import {
  createWorkerProcess,
  type ExitInfo,
  type ReadyWorker,
  type WorkerProcess,
} from "../worker/worker-process.js";
import { type AgentRecovery, createAgentRecovery } from "./agent-recovery.js";
import { childrenToRestart, shouldRestart } from "./restart-strategy.js";
import { type ReloadErrorView, type ReloadResult, reloadErrorView, replaceChild } from "./rolling-reload.js";
import type { Standby } from "./standby.js";
import { currentWorker, type WorkerChild } from "./worker-child.js";

/** What the supervisor tells the routing side; it never touches pools itself. */
export interface SupervisorHooks {
  /** A worker is ready: add it to its agent's pool. */
  workerUp(child: WorkerChild, worker: WorkerProcess, ready: ReadyWorker): void;
  /** A worker is gone (or going): take it out of its pool (its member `child.memberId`). */
  workerDown(child: WorkerChild): void;
  /** A rolling reload's old worker: out of routing, but still a member until its runs ended. */
  memberDraining(agent: string, memberId: string): void;
  memberInFlight(agent: string, memberId: string): number;
  /** A rolling reload's old worker has drained: take it out of its pool. */
  memberDown(agent: string, memberId: string): void;
  /** An agent stopped taking runs (`reason` says why) or resumed (`reason` undefined). */
  agentAvailability(agent: string, reason: string | undefined): void;
}

export interface SupervisorOptions {
  /** The children, in start order (config order, then instance order). */
  children: WorkerChild[];
  /** Warm spares of the agents that have them (`standby` > 0). Default: none. */
  standbys?: Standby[];
  config: SupervisorConfig;
  /** How long a worker may take to become ready. Default: 30000 ms. */
  startTimeoutMs?: number;
  /** How long a sibling stopped by one_for_all / rest_for_one may drain. Default: 5000 ms. */
  siblingStopMs?: number;
  /** Where the `boot`-th process of a slot listens (0: the child's own address). Default: the child's address with `.<boot>` added. */
  listenAt?: (child: WorkerChild, boot: number) => string;
  /** How long a reload lets an old worker's runs in flight finish before stopping it. Default: 30000 ms. */
  reloadDrainMs?: number;
  /** How worker processes are started (forked from a template, or spawned). Default: spawned. */
  launcher?: WorkerLauncher;
  logger: Logger;
  events: AxonEventEmitter;
  hooks: SupervisorHooks;
}

export interface Supervisor {
  readonly children: readonly WorkerChild[];
  readonly standbys: readonly Standby[];
  /** Starts every child; rejects with the first `WorkerStartError` after stopping the rest. */
  start(onProgress?: (event: ProgressEvent) => void): Promise<void>;
  /** Restarts every worker of `agent` (also brings a `failed` agent back now). */
  restartAgent(agent: string): Promise<void>;
  /**
   * Replaces every worker of `agent` with a new process, one at a time, losing no run (a `failed`
   * agent is restarted instead). Callers during a reload of the agent share it. Rejects (the old
   * workers still serving) when a new worker cannot boot; `reloadError(agent)` keeps that error.
   */
  reloadAgent(agent: string): Promise<ReloadResult>;
  /** The last reload's error of `agent`, until a reload of it succeeds. */
  reloadError(agent: string): ReloadErrorView | undefined;
  /** Adds children (new instances, a new agent) and starts them; on a failed start they go again. */
  addChildren(added: WorkerChild[], standby?: Standby): Promise<void>;
  /** Takes children out of routing, lets their runs finish (within the reload drain), stops and forgets them. */
  removeChildren(removed: WorkerChild[]): Promise<void>;
  /** Stops and forgets an agent's spares. */
  removeStandby(agent: string): Promise<void>;
  /** Stops every child: SIGTERM, then SIGKILL after `timeoutMs`. No restarts after this. */
  stop(timeoutMs: number): Promise<void>;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { children, config, logger, events, hooks } = options;
  const siblingStopMs = options.siblingStopMs ?? 5000;
  const standbys = [...(options.standbys ?? [])];
  const listenAt =
    options.listenAt ??
    ((child: WorkerChild, boot: number) =>
      boot === 0 ? child.command.listen : `${child.command.listen}.${boot}`);
  const standbyOf = (agent: string) => standbys.find((standby) => standby.agent === agent);
  let closing = false;
  /** The restart of each agent under way, for `restartAgent` callers to share. */
  const restarting = new Map<string, Promise<void>>();
  /** The reload of each agent under way, shared the same way. */
  const reloading = new Map<string, Promise<ReloadResult>>();
  const reloadErrors = new Map<string, ReloadErrorView>();

  /** A restart or reload means fresh code: nothing imported before may be forked from. */
  const renewCode = (agent: string) => {
    for (const child of children) if (child.agent === agent) options.launcher?.renew(child.command);
  };

  /** A new process for `child`, on a socket of its own (a reload's old one may still listen on the last). */
  const spawn = (child: WorkerChild): WorkerProcess => {
    const worker: WorkerProcess = createWorkerProcess({
      ...child.command,
      listen: listenAt(child, child.boots++),
      id: child.id,
      startTimeoutMs: options.startTimeoutMs,
      logger,
      launcher: options.launcher,
      onLog: (record) => events.emit("log", record),
      onExit: (exit) => onExit(child, worker, exit),
    });
    return worker;
  };

  /** Starts a new process in `child`; resolves when it is ready. */
  const launch = async (child: WorkerChild, state: "starting" | "restarting"): Promise<ReadyWorker> => {
    // One process per slot: a worker still in it is stopped, never left running untracked.
    const previous = currentWorker(child);
    if (previous) {
      child.stopping.add(previous);
      void previous.stop(siblingStopMs);
    }
    const worker = spawn(child);
    child.lifecycle = state === "starting" ? { state, worker } : { state, worker };
    const ready = await worker.start();
    if (currentWorker(child) !== worker || closing) {
      await worker.stop(0);
      throw new AgentUnavailableError({
        message: `worker ${child.id} was stopped while starting`,
        agent: child.agent,
      });
    }
    serve(child, worker, ready);
    return ready;
  };

  /** Puts a ready worker (just booted, or a promoted spare) into `child`'s slot and its pool. */
  const serve = (child: WorkerChild, worker: WorkerProcess, ready: ReadyWorker) => {
    child.lifecycle = { state: "ready", worker, ready };
    watchWorkerHealth(child, worker, ready);
    hooks.workerUp(child, worker, ready);
    events.emit("worker-started", {
      agent: child.agent,
      instance: child.instance,
      pid: ready.pid,
      address: ready.address,
    });
  };

  /** A ready spare of `child`'s agent, moved into its slot; undefined when none is ready. */
  const promoteSpare = (child: WorkerChild): ReadyWorker | undefined => {
    const spare = standbyOf(child.agent)?.promote((worker, exit) => onExit(child, worker, exit));
    if (!spare) return undefined;
    logger.info({ agent: child.agent, worker: child.id, pid: spare.ready.pid }, "standby worker promoted");
    serve(child, spare.worker, spare.ready);
    return spare.ready;
  };

  /** Kills a ready worker that stops answering health checks; its exit is then a crash like any other. */
  const watchWorkerHealth = (child: WorkerChild, worker: WorkerProcess, ready: ReadyWorker) => {
    const stop = watchHealth({
      ...config.healthCheck,
      check: (timeoutMs) => ready.client.checkHealth(timeoutMs),
      onFailure: () => {
        child.healthFailures += 1;
      },
      onHung(reason) {
        logger.warn({ agent: child.agent, worker: child.id, pid: ready.pid }, `worker hung: ${reason}`);
        // SIGTERM cannot be handled by a blocked event loop; stop(0) follows it with SIGKILL at once.
        void worker.stop(0);
      },
    });
    void worker.exited.then(stop);
  };

  /** Stops `child`'s process on purpose (its exit is then not a crash). */
  const halt = async (child: WorkerChild, timeoutMs: number, next: "stopped" | "failed" | "restarting") => {
    const worker = currentWorker(child);
    child.lifecycle = { state: next } as WorkerChild["lifecycle"];
    hooks.workerDown(child);
    if (!worker) return;
    child.stopping.add(worker);
    await worker.stop(timeoutMs);
  };

  /** Starts a new process in a child, counting a restart; `useSpare` takes a ready spare instead of booting. */
  const relaunch = async (child: WorkerChild, useSpare = false): Promise<void> => {
    child.restarts += 1;
    const ready = (useSpare && !closing && promoteSpare(child)) || (await launch(child, "restarting"));
    const { agent, instance, restarts } = child;
    events.emit("worker-restarted", { agent, instance, pid: ready.pid, restarts });
  };

  const recovery: AgentRecovery = createAgentRecovery({
    config,
    logger,
    events,
    hooks,
    childrenOf: (agent) => children.filter((child) => child.agent === agent),
    halt: (child) => halt(child, siblingStopMs, "failed"),
    relaunch: (child) => relaunch(child),
    isClosing: () => closing,
  });

  const onExit = (child: WorkerChild, worker: WorkerProcess, exit: ExitInfo) => {
    const expected = child.stopping.has(worker) || closing;
    const wasReady = child.lifecycle.state === "ready" && child.lifecycle.worker === worker;
    events.emit("worker-exited", {
      agent: child.agent,
      instance: child.instance,
      pid: worker.pid,
      ...exit,
      expected,
    });
    // A worker that never got ready is reported by whoever launched it, not restarted here.
    if (expected || !wasReady) return;
    hooks.workerDown(child);
    logger.warn(
      { agent: child.agent, worker: child.id, ...exit, stderr: worker.stderr().slice(-2000) },
      "worker exited",
    );
    if (!shouldRestart(child.config.restart, exit)) {
      child.lifecycle = { state: "stopped" };
      recovery.checkStopped(child.agent);
      return;
    }
    if (!recovery.allowRestart(child.agent)) {
      void recovery.fail(
        child.agent,
        `restarted more than ${config.maxRestarts} times within ${config.withinMs} ms`,
      );
      return;
    }
    child.lifecycle = { state: "restarting" };
    void restartSet(childrenToRestart(children, child, config.strategy), child);
  };

  /** A reload's second process of `child` (booting or draining), stopped at once. */
  const stopReplacing = async (child: WorkerChild, timeoutMs: number) => {
    const second = child.replacing?.worker;
    if (!second) return;
    child.stopping.add(second);
    await second.stop(timeoutMs);
  };

  const reloadContext = {
    spawn,
    serve,
    memberDraining: hooks.memberDraining,
    memberInFlight: hooks.memberInFlight,
    memberDown: hooks.memberDown,
    drainMs: options.reloadDrainMs ?? 30_000,
    stopMs: siblingStopMs,
    isClosing: () => closing,
  };

  const reload = async (agent: string): Promise<ReloadResult> => {
    const started = Date.now();
    // A restart of the agent under way finishes first: both would replace the same processes.
    await restarting.get(agent);
    const own = children.filter((child) => child.agent === agent);
    try {
      if (closing) throw new ShuttingDownError({ message: "axon is shutting down: no reloads", agent });
      if (own.some((child) => child.lifecycle.state === "failed")) {
        await supervisor.restartAgent(agent);
        const failed = own.find((child) => child.lifecycle.state !== "ready");
        if (failed) {
          throw new AgentUnavailableError({
            message: `agent "${agent}" did not come back (worker ${failed.id} is ${failed.lifecycle.state})`,
            agent,
          });
        }
        reloadErrors.delete(agent);
        const result = {
          agent,
          workers: own.length,
          durationMs: Date.now() - started,
          mode: "restart" as const,
        };
        events.emit("agent-reloaded", result);
        return result;
      }
      let workers = 0;
      for (const child of own) {
        if (child.lifecycle.state !== "ready") continue;
        await replaceChild(child, reloadContext);
        workers += 1;
      }
      // Spares were booted with the old code: fresh ones now (one with the new code could not
      // take a crashed worker's place before this, so the reload did not use them).
      await standbyOf(agent)?.restart(siblingStopMs);
      reloadErrors.delete(agent);
      const result = { agent, workers, durationMs: Date.now() - started, mode: "rolling" as const };
      logger.info(result, "agent reloaded");
      events.emit("agent-reloaded", result);
      return result;
    } catch (caught) {
      const error = caught as AxonError;
      const durationMs = Date.now() - started;
      if (!(error instanceof ShuttingDownError)) {
        reloadErrors.set(agent, reloadErrorView(error));
        logger.error({ agent, err: error }, "reload failed; the old workers keep serving");
      }
      events.emit("reload-failed", { agent, error, durationMs });
      throw error;
    }
  };

  /** Stops the live siblings in `set`, then starts the set again in order. */
  const restartSet = async (set: WorkerChild[], exited: WorkerChild) => {
    const siblings = set.filter(
      (c) => c !== exited && c.lifecycle.state !== "failed" && c.lifecycle.state !== "stopped",
    );
    await Promise.all(siblings.map((sibling) => halt(sibling, siblingStopMs, "restarting")));
    const toStart = set.filter(
      (c) => c === exited || (siblings.includes(c) && c.config.restart !== "temporary"),
    );
    for (const sibling of siblings) if (!toStart.includes(sibling)) sibling.lifecycle = { state: "stopped" };
    await Promise.all(
      toStart.map((child) =>
        // Only the crashed worker's slot takes a spare: siblings were stopped on purpose.
        relaunch(child, child === exited).catch((error: AxonError) => {
          if (closing || child.lifecycle.state === "failed") return;
          // A worker that cannot boot is not retried in a tight loop: the agent fails and backs off.
          void recovery.fail(child.agent, startFailureReason(error), error);
        }),
      ),
    );
  };

  const supervisor: Supervisor = {
    children,
    standbys,
    async start(onProgress) {
      const started = Date.now();
      const launches = children.map(async (child) => {
        onProgress?.({ type: "worker-starting", agent: child.agent, instance: child.instance });
        const ready = await launch(child, "starting");
        const elapsedMs = Date.now() - started;
        onProgress?.({
          type: "worker-ready",
          agent: child.agent,
          instance: child.instance,
          pid: ready.pid,
          elapsedMs,
        });
      });
      try {
        await Promise.all(launches);
        // Spares boot after the serving workers, so that they do not slow the cold start down.
        if (!closing) for (const standby of standbys) standby.start();
      } catch (error) {
        // The first failure decides: stop the others now rather than wait for them to boot.
        await this.stop(1000);
        await Promise.allSettled(launches);
        throw error;
      }
      onProgress?.({ type: "ready", elapsedMs: Date.now() - started });
    },
    restartAgent(agent) {
      renewCode(agent);
      // Callers that ask while a restart of the agent is under way share it: its workers are new
      // to every one of them, and two overlapping restarts would stop each other's booting
      // workers, fail the agent and leave strays (20 concurrent HTTP restarts did).
      let restart = restarting.get(agent);
      if (!restart) {
        restart = (async () => {
          // A reload under way finishes first (whether it worked or not).
          await reloading.get(agent)?.catch(() => {});
          const own = children.filter((child) => child.agent === agent);
          recovery.cancelRetry(agent);
          const spares = standbyOf(agent)?.restart(siblingStopMs);
          await Promise.all(own.map((child) => halt(child, siblingStopMs, "restarting")));
          await Promise.all([recovery.bringBack(agent), spares]);
        })().finally(() => restarting.delete(agent));
        restarting.set(agent, restart);
      }
      return restart;
    },
    reloadAgent(agent) {
      let running = reloading.get(agent);
      if (!running) {
        renewCode(agent);
        running = reload(agent).finally(() => reloading.delete(agent));
        reloading.set(agent, running);
      }
      return running;
    },
    reloadError: (agent) => reloadErrors.get(agent),
    async addChildren(added, standby) {
      if (closing) throw new ShuttingDownError({ message: "axon is shutting down", agent: added[0]?.agent });
      children.push(...added);
      try {
        await Promise.all(added.map((child) => launch(child, "starting")));
      } catch (error) {
        await Promise.all(added.map((child) => halt(child, 0, "stopped")));
        for (const child of added) children.splice(children.indexOf(child), 1);
        throw error;
      }
      if (standby) {
        standbys.push(standby);
        standby.start();
      }
    },
    async removeChildren(removed) {
      await Promise.all(
        removed.map(async (child) => {
          const worker = currentWorker(child);
          if (worker && child.lifecycle.state === "ready") {
            child.stopping.add(worker);
            hooks.memberDraining(child.agent, child.memberId);
            child.lifecycle = { state: "stopped" };
            child.replacing = { state: "draining", worker };
            const until = Date.now() + reloadContext.drainMs;
            while (!closing && Date.now() < until && hooks.memberInFlight(child.agent, child.memberId) > 0) {
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          }
          await stopReplacing(child, siblingStopMs);
          child.replacing = undefined;
          await halt(child, siblingStopMs, "stopped");
          children.splice(children.indexOf(child), 1);
        }),
      );
    },
    async removeStandby(agent) {
      const standby = standbyOf(agent);
      if (!standby) return;
      standbys.splice(standbys.indexOf(standby), 1);
      await standby.stop(siblingStopMs);
    },
    async stop(timeoutMs) {
      closing = true;
      recovery.dispose();
      await Promise.all([
        ...children.map((child) => stopReplacing(child, timeoutMs)),
        ...children.map((child) => halt(child, timeoutMs, "stopped")),
        ...standbys.map((standby) => standby.stop(timeoutMs)),
      ]);
    },
  };
  return supervisor;
}
