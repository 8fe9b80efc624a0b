import type { Logger } from "pino";
import type { AxonEventEmitter } from "../axon-events.js";
import type { BackoffConfig } from "../config/config-schema.js";
import { type HealthCheckConfig, watchHealth } from "../transport/health-monitor.js";
import type { WorkerLauncher } from "../worker/launched-worker.js";
import type { WorkerCommand } from "../worker/spawn-worker.js";
import {
  createWorkerProcess,
  type ExitInfo,
  type ReadyWorker,
  type WorkerProcess,
} from "../worker/worker-process.js";
import { createBackoff } from "./backoff.js";

// Warm standby: a recovery that waits for a Python boot (~0.6 s of importing pydantic-ai) costs
// more than a cold start. A spare that has already booted and answered its health checks can
// take a dead worker's place at once; its own replacement then boots in the background.
// Spares are processes only: they are never pool members until the supervisor promotes one.

/** One spare's row: its process is booting (`ready` undefined), ready, or waiting to boot again. */
export interface StandbySlot {
  readonly agent: string;
  /** Numbered after the agent's serving instances, so status rows never collide. */
  readonly instance: number;
  readonly id: string;
  worker: WorkerProcess | undefined;
  ready: ReadyWorker | undefined;
  /** Spares of this slot that crashed (or never got ready) and were replaced. */
  replaced: number;
}

export interface Standby {
  readonly agent: string;
  readonly slots: readonly StandbySlot[];
  /** Boots every spare in the background. */
  start(): void;
  /**
   * Hands a ready spare over (its exit goes to `onExit` from now on) and boots its replacement
   * in the background; undefined when no spare is ready (the caller boots a worker as before).
   */
  promote(
    onExit: (worker: WorkerProcess, exit: ExitInfo) => void,
  ): { worker: WorkerProcess; ready: ReadyWorker } | undefined;
  /** Stops every spare and boots new ones (for `restart(agent)`: fresh code, fresh spares). */
  restart(timeoutMs: number): Promise<void>;
  /** Stops every spare for good. */
  stop(timeoutMs: number): Promise<void>;
}

export interface StandbyOptions {
  agent: string;
  count: number;
  /** The first slot's instance number (the agent's serving instance count). */
  firstInstance: number;
  /** A command per boot: a promoted spare keeps its socket, so the next spare needs a new one. */
  command(): WorkerCommand;
  startTimeoutMs?: number;
  healthCheck: HealthCheckConfig;
  /** Delays between replacements of spares that keep failing: never a tight boot loop. */
  backoff: BackoffConfig;
  /** How spares are started (forked from a template, or spawned). Default: spawned. */
  launcher?: WorkerLauncher;
  logger: Logger;
  events: AxonEventEmitter;
}

export function createStandby(options: StandbyOptions): Standby {
  const { agent, logger, events } = options;
  const backoff = createBackoff(options.backoff);
  const slots: StandbySlot[] = Array.from({ length: options.count }, (_, i) => {
    const instance = options.firstInstance + i;
    return { agent, instance, id: `${agent}-${instance}`, worker: undefined, ready: undefined, replaced: 0 };
  });
  // Exits of promoted spares belong to the supervisor; of spares stopped on purpose, to no one.
  const handedOver = new WeakMap<WorkerProcess, (exit: ExitInfo) => void>();
  const stopping = new WeakSet<WorkerProcess>();
  const timers = new Map<StandbySlot, NodeJS.Timeout>();
  const healthStops = new Map<WorkerProcess, () => void>();
  let stopped = false;

  const boot = async (slot: StandbySlot): Promise<void> => {
    timers.delete(slot);
    if (stopped) return;
    const worker: WorkerProcess = createWorkerProcess({
      ...options.command(),
      id: slot.id,
      startTimeoutMs: options.startTimeoutMs,
      logger,
      launcher: options.launcher,
      onLog: (record) => events.emit("log", record),
      onExit: (exit) => (handedOver.get(worker) ?? ((e: ExitInfo) => exited(slot, worker, e)))(exit),
    });
    slot.worker = worker;
    slot.ready = undefined;
    let ready: ReadyWorker;
    try {
      ready = await worker.start();
    } catch (error) {
      if (stopped || slot.worker !== worker) return;
      logger.warn({ agent, worker: slot.id, err: error }, "standby worker failed to start; replacing it");
      replace(slot);
      return;
    }
    if (stopped || slot.worker !== worker) {
      stopping.add(worker);
      await worker.stop(0);
      return;
    }
    slot.ready = ready;
    backoff.reset();
    // A hung spare would be promoted into a hung worker: check it like a serving one.
    const stopHealth = watchHealth({
      ...options.healthCheck,
      check: (timeoutMs) => ready.client.checkHealth(timeoutMs),
      onHung(reason) {
        logger.warn({ agent, worker: slot.id, pid: ready.pid }, `standby worker hung: ${reason}`);
        void worker.stop(0);
      },
    });
    healthStops.set(worker, stopHealth);
  };

  /** A spare that exits on its own is replaced; one that never got ready is handled by `boot`. */
  const exited = (slot: StandbySlot, worker: WorkerProcess, exit: ExitInfo) => {
    healthStops.get(worker)?.();
    if (stopped || stopping.has(worker) || slot.worker !== worker || slot.ready === undefined) return;
    logger.warn(
      { agent, worker: slot.id, ...exit, stderr: worker.stderr().slice(-2000) },
      "standby worker exited",
    );
    replace(slot);
  };

  /** Boots the slot again after the backoff's next delay. */
  const replace = (slot: StandbySlot) => {
    slot.worker = undefined;
    slot.ready = undefined;
    slot.replaced += 1;
    timers.set(
      slot,
      setTimeout(() => void boot(slot), backoff.next()),
    );
  };

  const stopAll = async (timeoutMs: number) => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    await Promise.all(
      slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = undefined;
        slot.ready = undefined;
        if (!worker) return;
        stopping.add(worker);
        healthStops.get(worker)?.();
        await worker.stop(timeoutMs);
      }),
    );
  };

  return {
    agent,
    slots,
    start() {
      for (const slot of slots) void boot(slot);
    },
    promote(onExit) {
      const slot = slots.find((s) => s.ready !== undefined && s.worker !== undefined);
      if (!slot?.worker || !slot.ready) return undefined;
      const { worker, ready } = slot;
      // The supervisor watches its health from now on, as for any serving worker.
      healthStops.get(worker)?.();
      handedOver.set(worker, (exit) => onExit(worker, exit));
      slot.worker = undefined;
      slot.ready = undefined;
      void boot(slot);
      return { worker, ready };
    },
    async restart(timeoutMs) {
      await stopAll(timeoutMs);
      backoff.reset();
      await Promise.all(slots.map((slot) => boot(slot)));
    },
    async stop(timeoutMs) {
      stopped = true;
      await stopAll(timeoutMs);
    },
  };
}
