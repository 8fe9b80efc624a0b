// `axon.runs`: runs kept in the store. `start` answers at once with the run's id; the run goes
// on in this process without any caller holding it, on a thread (through `axon.threads`) or on
// none; its status and result are read later from the store, on any replica sharing it, and
// every event it streams is numbered in the run's event log (run-event-log.ts), so a stream is
// resumed from any replica. A process refreshes a heartbeat on the runs it holds: another
// one marks a running run whose heartbeat went stale `interrupted`, and picks up a queued one.
// The end of a run can be POSTed, signed, to a webhook (run-webhook.ts). docs/threads.md.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { InvalidRequestError } from "../errors/worker-errors.js";
import type { RunOptions } from "../run/run-options.js";
import type { RunStream } from "../run/run-types.js";
import type { Store } from "../storage/open-store.js";
import type { OnBusy, Threads } from "../threads/threads.js";
import { createInFlightWork } from "./in-flight-work.js";
import { errorFacts, RunError } from "./run-errors.js";
import { type EventRecorder, RunEventLog } from "./run-event-log.js";
import { ago, type EndStatus, isEnded, type RunInfo, RunStore, type StoredEvent } from "./run-store.js";
import { deliverWebhook } from "./run-webhook.js";
import type { RunsConfig } from "./runs-schema.js";

export type { EndStatus, RunInfo, StoredEvent } from "./run-store.js";

/** What a stored run takes: a run's options (JSON only: it may be started again elsewhere). */
export interface StartRunOptions
  extends Omit<RunOptions, "messageHistory" | "approvals" | "signal" | "onEvent"> {
  prompt: string;
  /** The agent to run. Required without `threadId`; default on a thread: the thread's agent. */
  agent?: string;
  /** Run on this thread (its history, appended on success). Default: on no thread. */
  threadId?: string;
  /** On a thread, while another of its runs runs. Default: `enqueue` (a background run waits its turn). */
  onBusy?: OnBusy;
  /** POSTed the run's end, signed with `runs.webhookSecret`. Default: none. */
  webhook?: string;
  /** The AI SDK chat it answers (for the chat endpoint's resume). Default: none. */
  chatId?: string;
}

export interface Runs {
  /** Stores the run and starts it; resolves once stored (status `queued` or `running`). */
  start(options: StartRunOptions): Promise<RunInfo>;
  /** @throws RunError `run_not_found` */
  get(runId: string): Promise<RunInfo>;
  /** Cancels it wherever it runs (another replica at its next heartbeat); false when it had ended. @throws RunError `run_not_found` */
  cancel(runId: string): Promise<boolean>;
  /** Its events after `after` (default 0: all kept), then the live tail until it ended. @throws RunError `run_not_found` */
  events(
    runId: string,
    options?: { after?: number; signal?: AbortSignal },
  ): Promise<AsyncIterable<StoredEvent>>;
  /** The run that answers this chat and has not ended, if any. */
  activeChatRun(chatId: string): Promise<string | undefined>;
  /**
   * Stores a run its caller runs itself (the chat endpoint: a resumable chat), for its events to
   * be recorded and read as any stored run's; `end` flushes them and ends it.
   */
  begin(run: { runId: string; agent: string; chatId?: string }): Promise<StoredRunHandle>;
  /** The recorder of a run's events (thread runs stream through it). */
  recorder(runId: string): EventRecorder;
  /**
   * Opens the store now and recovers what a dead process left (`axon serve` calls it at start);
   * an embedded store not yet on disk is left to be created on first use.
   */
  recover(): Promise<void>;
  /** Whether the store is open (first use of threads or runs, or `recover`). */
  isOpen(): boolean;
  /** The process id written as `owner` on the runs it holds. */
  readonly owner: string;
  /** The period of this process's heartbeat (`runs.heartbeatMs`): thread leases are refreshed at it. */
  readonly heartbeatMs: number;
  /**
   * This process stops: runs still queued here are given back to the store (picked up by the next
   * process that looks) rather than started; running ones go on (Axon drains them).
   */
  drain(): void;
  /** Waits for the runs in flight here and their webhooks (a few seconds at most), stops the heartbeat. */
  close(): Promise<void>;
}

export interface StoredRunHandle {
  push(type: string, data: unknown): number;
  end(status: EndStatus, error?: { code: string; message: string }): Promise<void>;
}

export interface RunsHost {
  stream(agent: string, prompt: string, options?: RunOptions): RunStream<unknown>;
  cancel(runId: string): boolean;
  threads: Threads;
}

export function createRuns(
  host: () => RunsHost,
  store: () => Promise<Store>,
  config: RunsConfig,
  /** Whether a store exists to recover from (an embedded one is not created by `recover`). */
  storeExists: () => boolean = () => true,
  owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
): Runs & { onOpen(store: Store): Promise<void> } {
  let runStore: RunStore | undefined;
  const runs = async () => {
    await store();
    return runStore as RunStore;
  };
  const log = new RunEventLog(runs, { maxEventsPerRun: config.maxEventsPerRun });
  const secret = config.webhookSecret ?? (process.env.AXON_WEBHOOK_SECRET || undefined);
  const local = new Map<string, () => void>();
  /** Stored runs of this process that wait their turn (queued on a thread), by id: cancels the wait. */
  const waiting = new Map<string, () => void>();
  let draining = false;
  const inFlight = createInFlightWork();
  const closing = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;
  const stale = () => ago(3 * config.heartbeatMs);

  const notify = (runId: string) => {
    if (!secret) return;
    inFlight.track(
      (async () => {
        const s = await runs();
        const url = await s.webhookOf(runId);
        const run = await s.get(runId);
        if (!url || !run || !isEnded(run.status)) return; // given back queued: its end comes later
        await deliverWebhook({
          url,
          secret,
          body: { type: "run.ended", run },
          attempts: config.webhookAttempts,
          backoffMs: config.webhookBackoffMs,
          timeoutMs: config.webhookTimeoutMs,
          signal: closing.signal,
        });
      })(),
    );
  };

  /** Runs a stored run here: on its thread, or on the agent with the events recorded here. */
  const execute = (run: {
    id: string;
    agent: string | undefined;
    threadId: string | null;
    input: StartRunOptions;
  }) => {
    const { prompt, agent, threadId, onBusy, webhook: _w, chatId: _c, ...options } = run.input;
    const promise = (async () => {
      const s = await runs();
      if (threadId) {
        const stream = host().threads.stream(threadId, prompt, {
          ...options,
          agent: run.agent ?? agent,
          onBusy: onBusy ?? "enqueue",
          runId: run.id,
        });
        local.set(run.id, () => stream.cancel());
        waiting.set(run.id, () => stream.cancel());
        let started = false;
        stream.ready.then(
          () => {
            started = true;
            waiting.delete(run.id);
          },
          () => waiting.delete(run.id),
        );
        if (draining) stream.cancel();
        try {
          await stream.result;
        } catch (error) {
          if (draining && !started) {
            await s.releaseQueued(run.id);
            return;
          }
          // Refused before it ran (busy, unknown thread): the thread never made its row run.
          await s.finish(run.id, { status: statusOf(error), error: errorFacts(error) });
        }
        return;
      }
      if (draining) {
        await s.releaseQueued(run.id);
        return;
      }
      const recorder = log.recorder(run.id);
      recorder.push("start", { type: "start", runId: run.id });
      await s.markRunning(run.id);
      const stream = host().stream(run.agent ?? (agent as string), prompt, { ...options, runId: run.id });
      local.set(run.id, () => stream.cancel());
      let end: { status: EndStatus; result?: unknown; error?: { code: string; message: string } };
      try {
        for await (const event of stream) {
          if (event.type !== "result") recorder.push(event.type, event);
        }
        const result = await stream.result;
        recorder.push("result", { type: "result", result });
        end = { status: "succeeded", result };
      } catch (error) {
        const facts = errorFacts(error);
        recorder.push("error", { type: "error", error: facts });
        end = { status: statusOf(error), error: facts };
      }
      await recorder.flush();
      await s.finish(run.id, end);
    })();
    const done = promise
      .catch(() => {})
      .finally(() => {
        local.delete(run.id);
        notify(run.id);
      });
    inFlight.track(done);
  };

  /** Heartbeat, cancels asked elsewhere, orphans interrupted or picked up, old events pruned. */
  const maintain = async (staleBefore: Date) => {
    const s = runStore;
    if (!s || closing.signal.aborted) return;
    for (const id of await s.heartbeat(owner)) cancelHere(id);
    for (const id of await s.interruptOrphans(staleBefore, owner)) notify(id);
    for (;;) {
      const claimed = await s.claimOrphanQueued(staleBefore, owner);
      if (!claimed) break;
      if (claimed.cancelRequested) {
        // Cancelled while nobody held it: it ends here, never run.
        const error = { code: "cancelled", message: "the run was cancelled while queued" };
        if (await s.finish(claimed.id, { status: "cancelled", error })) notify(claimed.id);
        continue;
      }
      execute({
        id: claimed.id,
        agent: claimed.agent,
        threadId: claimed.threadId,
        input: { ...(claimed.input.options as object), prompt: claimed.input.prompt } as StartRunOptions,
      });
    }
    if (Date.now() - lastPrune > 60_000) {
      lastPrune = Date.now();
      await s.deleteEventsBefore(ago(config.eventMaxAgeMs));
    }
  };

  const cancelHere = (runId: string): boolean => {
    const cancel = local.get(runId);
    if (cancel) {
      cancel();
      return true;
    }
    return host().cancel(runId);
  };

  const api: Runs & { onOpen(store: Store): Promise<void> } = {
    owner,
    heartbeatMs: config.heartbeatMs,
    async onOpen(opened) {
      runStore = new RunStore(opened.db);
      // The embedded database serves one process: whatever is running or queued there is a dead one's.
      await maintain(opened.kind === "embedded" ? new Date(Date.now() + 1000) : stale());
      timer = setInterval(() => {
        maintain(stale()).catch(() => {}); // the database away for a while: next period
      }, config.heartbeatMs);
      timer.unref();
    },
    async start(options) {
      const { prompt, threadId, webhook } = options;
      if (typeof prompt !== "string" || prompt.length === 0)
        throw new InvalidRequestError({ message: "a prompt is required", field: "prompt" });
      if (!threadId && !options.agent)
        throw new InvalidRequestError({ message: "name an agent or a threadId", field: "agent" });
      if (webhook !== undefined && !secret)
        throw new RunError(
          "webhook_unsigned",
          "no webhook secret configured (runs.webhookSecret or AXON_WEBHOOK_SECRET)",
          "",
        );
      const id = options.runId ?? randomUUID();
      const s = await runs();
      const { prompt: _p, threadId: _t, webhook: _w, agent, chatId, onBusy, ...runOptions } = options;
      if (webhook !== undefined && !isWebhookUrl(webhook))
        throw new InvalidRequestError({ message: "webhook: an http:// or https:// URL", field: "webhook" });
      // thread_not_found before anything is stored; the thread's agent when the run names none.
      const thread = threadId ? await host().threads.get(threadId) : undefined;
      await s
        .insertQueued({
          id,
          agent: agent ?? thread?.agent ?? "",
          threadId: threadId ?? null,
          owner,
          input: { prompt, options: { ...runOptions, agent, threadId, onBusy, chatId } },
          webhookUrl: webhook ?? null,
          chatId: chatId ?? null,
          onBusy: onBusy ?? null,
        })
        .catch((error: unknown) => {
          if ((error as { code?: unknown }).code === "23505")
            throw new InvalidRequestError({ message: `a run "${id}" exists already`, field: "runId" });
          throw error;
        });
      execute({ id, agent, threadId: threadId ?? null, input: options });
      return api.get(id);
    },
    async get(runId) {
      const run = await (await runs()).get(runId);
      if (!run) throw new RunError("run_not_found", `no run "${runId}"`, runId);
      return run;
    },
    async cancel(runId) {
      const s = await runs();
      if (!(await s.exists(runId))) throw new RunError("run_not_found", `no run "${runId}"`, runId);
      // Queued on a thread here, or running here: cancelled now; else its owner's next heartbeat does.
      if (cancelHere(runId)) return true;
      return s.requestCancel(runId);
    },
    async events(runId, options = {}) {
      const s = await runs();
      if (!(await s.exists(runId))) throw new RunError("run_not_found", `no run "${runId}"`, runId);
      return log.read(runId, options.after ?? 0, options.signal ?? new AbortController().signal);
    },
    async activeChatRun(chatId) {
      return (await runs()).activeChatRun(chatId);
    },
    async begin(run) {
      const s = await runs();
      await s.insertRunning({ id: run.runId, agent: run.agent, owner, chatId: run.chatId ?? null });
      const recorder = log.recorder(run.runId);
      local.set(run.runId, () => host().cancel(run.runId));
      return {
        push: (type, data) => recorder.push(type, data),
        async end(status, error) {
          local.delete(run.runId);
          await recorder.flush();
          await s.finish(run.runId, { status, error });
        },
      };
    },
    recorder: (runId) => log.recorder(runId),
    isOpen: () => runStore !== undefined,
    async recover() {
      if (storeExists()) await store();
    },
    drain() {
      draining = true;
      for (const cancel of waiting.values()) cancel();
    },
    async close() {
      draining = true;
      // Runs have ended (Axon drained them); a webhook still retrying gets a few seconds more.
      await Promise.race([inFlight.settled(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      closing.abort();
      clearInterval(timer);
    },
  };
  return api;
}

function statusOf(error: unknown): EndStatus {
  return errorFacts(error).code === "cancelled" ? "cancelled" : "failed";
}

function isWebhookUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}
