// `axon.threads`: conversations kept on the server. A run on a thread loads the thread's history
// from the store, runs the agent on it, and appends the run's new messages in one transaction
// when the run succeeds; a failed or cancelled run leaves the thread as it was, an interrupted
// one keeps its prompt and what it had said (docs/threads.md). The store opens on first use.
import { randomUUID } from "node:crypto";
import { isAxonError } from "../errors/axon-error.js";
import { CancelledError, InvalidRequestError } from "../errors/worker-errors.js";
import type { RunOptions } from "../run/run-options.js";
import type { RunEvent, RunResult, RunStream } from "../run/run-types.js";
import { createInFlightWork } from "../runs/in-flight-work.js";
import { errorFacts } from "../runs/run-errors.js";
import type { EventRecorder } from "../runs/run-event-log.js";
import type { Store } from "../storage/open-store.js";
import type { Approvals } from "../tools/approvals.js";
import { EventQueue } from "./event-queue.js";
import { historyToUIMessages, type UIMessageView } from "./history-view.js";
import { interruptedMessages } from "./interrupted-messages.js";
import { ThreadApprovals, type ThreadPendingApproval } from "./thread-approvals.js";
import { ThreadError, threadNotFound } from "./thread-errors.js";
import { type OnBusy, ThreadLanes } from "./thread-lanes.js";
import { ThreadLease } from "./thread-lease.js";
import { type ThreadInfo, type ThreadPage, ThreadStore } from "./thread-store.js";

export type { ThreadPendingApproval } from "./thread-approvals.js";
export type { OnBusy } from "./thread-lanes.js";
export type { ThreadInfo, ThreadPage } from "./thread-store.js";

/** What a run on a thread takes: a run's options, less the history (the thread holds it). */
export interface ThreadRunOptions extends Omit<RunOptions, "messageHistory" | "approvals"> {
  /** The agent to run. Default: the thread's `agent`. */
  agent?: string;
  /** What this message does while another run of the thread runs. Default: `reject`. */
  onBusy?: OnBusy;
  /**
   * Decisions on the thread's `pendingApprovals`, by tool call id (`true`, `false`, `{ denied }`),
   * with an empty prompt: accepted only for calls the store holds as pending for this thread,
   * once, every pending call answered (docs/threads.md "Approvals"). Default: none.
   */
  approvals?: Approvals;
}

export interface ThreadRunResult<T = unknown> extends RunResult<T> {
  threadId: string;
}

/** A streamed run on a thread; `ready` settles once it runs on a worker (or was refused). */
export interface ThreadRunStream<T = unknown> extends RunStream<T> {
  readonly result: Promise<ThreadRunResult<T>>;
  /** Resolves when the run started (after any wait in the thread's queue); rejects when it was refused. */
  readonly ready: Promise<void>;
  /** The number of an event in the run's event log (its SSE `id`); `"start"` for the start event. */
  eventId(event: RunEvent<T> | "start"): number | undefined;
}

export interface Thread extends ThreadInfo {
  /** The pydantic-ai message history, as stored when this object was read. */
  messages: unknown[];
  /** The same history as AI SDK `UIMessage`s, for a chat view. */
  uiMessages: UIMessageView[];
  /** The tool calls the thread's last run paused on, still waiting for an answer. */
  pendingApprovals: ThreadPendingApproval[];
  run<T = unknown>(prompt: string, options?: ThreadRunOptions): Promise<ThreadRunResult<T>>;
  stream<T = unknown>(prompt: string, options?: ThreadRunOptions): ThreadRunStream<T>;
  /** Continues the paused run with these decisions: `run("", { ...options, approvals })`. */
  approve<T = unknown>(approvals: Approvals, options?: ThreadRunOptions): Promise<ThreadRunResult<T>>;
}

export interface CreateThreadOptions {
  /** The agent its runs use when they name none. Default: none (each run names one). */
  agent?: string;
  /** Free-form JSON kept with the thread. Default: `{}`. */
  metadata?: Record<string, unknown>;
  /** Your own id (letters, digits, `_`, `-`; at most 128). Default: a random UUID. */
  id?: string;
}

export interface Threads {
  create(options?: CreateThreadOptions): Promise<Thread>;
  /** @throws ThreadError `thread_not_found` */
  get(threadId: string): Promise<Thread>;
  /** Newest first, `limit` (default 20, at most 100) per page. */
  list(options?: { limit?: number; cursor?: string }): Promise<ThreadPage>;
  /** False when there was no such thread. */
  delete(threadId: string): Promise<boolean>;
  run<T = unknown>(threadId: string, prompt: string, options?: ThreadRunOptions): Promise<ThreadRunResult<T>>;
  stream<T = unknown>(threadId: string, prompt: string, options?: ThreadRunOptions): ThreadRunStream<T>;
  /** Closes the store (after the runs in flight ended). */
  close(): Promise<void>;
}

/** The part of `Axon` a thread's runs use. */
export interface ThreadsHost {
  stream(agent: string, prompt: string, options?: RunOptions): RunStream<unknown>;
}

/** Thread ids: what fits a URL path segment and a log line as is. */
export const THREAD_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** What `axon.runs` gives a thread's runs: who holds them, and their event log. */
export interface ThreadRunLog {
  owner: string;
  recorder(runId: string): EventRecorder;
  /** The period of the owner's heartbeat: a thread's lease is refreshed at it, and lasts 3 of them. Default: 5 s. */
  readonly heartbeatMs?: number;
}

/** How long a message waits for the lane held on another replica when its run has no `timeoutMs`. */
const DEFAULT_LANE_WAIT_MS = 600_000;

export function createThreads(
  host: () => ThreadsHost,
  open: () => Promise<Store>,
  runLog?: ThreadRunLog,
): Threads {
  let opened:
    | Promise<{ store: Store; threads: ThreadStore; approvals: ThreadApprovals; lease: ThreadLease }>
    | undefined;
  const opener = async () => {
    opened ??= open().then((s) => ({
      store: s,
      threads: new ThreadStore(s.db),
      approvals: new ThreadApprovals(s.db),
      lease: new ThreadLease(s.db),
    }));
    try {
      return await opened;
    } catch (error) {
      opened = undefined; // a store that failed to open (PostgreSQL down) is tried again next time
      throw error;
    }
  };
  const store = async () => (await opener()).threads;
  const approvalStore = async () => (await opener()).approvals;
  const lanes = new ThreadLanes();
  const heartbeatMs = runLog?.heartbeatMs ?? 5000;
  const leaseMs = 3 * heartbeatMs;
  const inFlight = createInFlightWork();

  const load = async (threadId: string): Promise<Thread> => {
    const threads = await store();
    const info = THREAD_ID_PATTERN.test(threadId) ? await threads.get(threadId) : undefined;
    if (!info) throw threadNotFound(threadId);
    const messages = await threads.history(threadId);
    const pendingApprovals = await (await approvalStore()).pending(threadId, messages);
    return withMethods({
      ...info,
      messages,
      uiMessages: historyToUIMessages(messages, `${threadId}-`),
      pendingApprovals,
    });
  };
  const withMethods = (info: Omit<Thread, "run" | "stream" | "approve">): Thread => ({
    ...info,
    run: (prompt, options) => api.run(info.id, prompt, options),
    stream: (prompt, options) => api.stream(info.id, prompt, options),
    approve: (approvals, options) => api.run(info.id, "", { ...options, approvals }),
  });

  const stream = <T>(
    threadId: string,
    prompt: string,
    options: ThreadRunOptions = {},
  ): ThreadRunStream<T> => {
    const { agent: agentOption, onBusy = "reject", signal: callerSignal, approvals, ...runOptions } = options;
    const continuing = approvals !== undefined && Object.keys(approvals).length > 0;
    const runId = runOptions.runId ?? randomUUID();
    const ids = new WeakMap<object, number>();
    const startEvent = { type: "start", runId, threadId };
    const cancelled = new AbortController();
    let cancelInner = () => {};
    const queue = new EventQueue<RunEvent<T>>(() => cancel());
    const cancel = () => {
      cancelled.abort();
      cancelInner();
    };
    callerSignal?.addEventListener("abort", cancel, { once: true });
    let markReady = () => {};
    let refuse: (error: unknown) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      refuse = reject;
    });
    ready.catch(() => {});

    const result = (async (): Promise<ThreadRunResult<T>> => {
      if ("messageHistory" in options) {
        throw new InvalidRequestError({
          message: "a thread keeps its own history: no messageHistory on a thread run",
          field: "messageHistory",
        });
      }
      if (continuing ? prompt !== "" : prompt === "") {
        throw new InvalidRequestError({
          message: continuing
            ? "approvals continue the paused run: send them with an empty prompt"
            : "the prompt must not be empty (an empty one goes with approvals)",
          field: "prompt",
        });
      }
      const threads = await store();
      const info = THREAD_ID_PATTERN.test(threadId) ? await threads.get(threadId) : undefined;
      if (!info) throw threadNotFound(threadId);
      const agent = agentOption ?? info.agent;
      if (!agent) {
        throw new InvalidRequestError({
          message: "the thread has no agent: name one for the run",
          field: "agent",
        });
      }
      const slot = await lanes.enter(threadId, onBusy, cancelled.signal);
      const lease = (await opener()).lease;
      let leased = false;
      let refresher: NodeJS.Timeout | undefined;
      let text = "";
      let started = false;
      let recorder: EventRecorder | undefined;
      let claimed: string[] = [];
      const record = (event: { type: string }) => {
        const seq = recorder?.push(event.type, event);
        if (seq !== undefined) ids.set(event, seq);
      };
      try {
        if (cancelled.signal.aborted) throw cancelledBeforeStart(agent, runId);
        // This process's lane is ours; now the thread's, across the replicas sharing the store.
        const waiting = new AbortController();
        const stopWaiting = () => waiting.abort();
        cancelled.signal.addEventListener("abort", stopWaiting, { once: true });
        slot.onInterrupt = stopWaiting; // a newer message here while we wait for another replica
        try {
          await lease.acquire({
            threadId,
            runId,
            onBusy,
            leaseMs,
            waitMs: runOptions.timeoutMs ?? DEFAULT_LANE_WAIT_MS,
            interruptWaitMs: leaseMs + 10_000,
            signal: waiting.signal,
          });
        } finally {
          cancelled.signal.removeEventListener("abort", stopWaiting);
          slot.onInterrupt = () => {};
        }
        leased = true;
        refresher = setInterval(() => {
          lease.refresh(threadId, runId, leaseMs).catch(() => {}); // the database away: next period
        }, heartbeatMs);
        refresher.unref();
        if (cancelled.signal.aborted || slot.interrupted) throw cancelledBeforeStart(agent, runId);
        const history = await threads.history(threadId);
        const approvalRows = await approvalStore();
        if (continuing) {
          // Claimed before anything runs; given back below if the continuation does not succeed.
          claimed = await approvalRows.claim(threadId, approvals, history);
        } else if (await approvalRows.hasPending(threadId, history)) {
          throw new InvalidRequestError({
            message:
              "the thread's last run waits for approvals: answer them (an empty prompt with approvals) first",
            field: "prompt",
          });
        }
        if (!(await threads.startRun({ id: runId, threadId, agent, onBusy, owner: runLog?.owner ?? null }))) {
          throw new InvalidRequestError({ message: `a run "${runId}" exists already`, field: "runId" });
        }
        started = true;
        recorder = runLog?.recorder(runId);
        record(startEvent);
        const inner = host().stream(agent, prompt, {
          ...runOptions,
          runId,
          messageHistory: history,
          ...(continuing && { approvals }),
        }) as RunStream<T>;
        cancelInner = () => inner.cancel();
        slot.onInterrupt = () => inner.cancel();
        if (cancelled.signal.aborted || slot.interrupted) inner.cancel();
        inner.result.then(
          () => {},
          () => {},
        );
        markReady();
        for await (const event of inner) {
          if (event.type === "text-delta") text += event.text;
          if (event.type !== "result") {
            record(event);
            queue.push(event);
          }
        }
        const done = await inner.result;
        const threadResult: ThreadRunResult<T> = { ...done, threadId };
        const resultEvent = { type: "result" as const, result: threadResult };
        record(resultEvent);
        // The log holds the whole stream before the run reads as ended (a resumed reader stops there).
        await recorder?.flush();
        await threads.finishRun({
          runId,
          threadId,
          status: "succeeded",
          messages: done.newMessages,
          result: { ...threadResult, allMessages: undefined },
          ...(done.pendingApprovals && { pending: done.pendingApprovals }),
        });
        claimed = [];
        queue.push(resultEvent);
        return threadResult;
      } catch (error) {
        if (claimed.length > 0) await (await approvalStore()).release(threadId, claimed).catch(() => {});
        if (started) {
          const code = isAxonError(error) ? error.code : "internal";
          const message = error instanceof Error ? error.message : String(error);
          const status = slot.interrupted ? "interrupted" : code === "cancelled" ? "cancelled" : "failed";
          // An interrupted continuation appends nothing: its calls are given back (pending again).
          const messages = slot.interrupted && !continuing ? interruptedMessages(prompt, text) : undefined;
          record({ type: "error", error: errorFacts(error) } as { type: string });
          await recorder?.flush();
          await threads.finishRun({ runId, threadId, status, messages, error: { code, message } });
        }
        throw error;
      } finally {
        clearInterval(refresher);
        if (leased) await lease.release(threadId, runId).catch(() => {}); // else stale in 3 heartbeats
        slot.release();
      }
    })();
    result.then(
      () => queue.end(),
      (error: unknown) => {
        refuse(error);
        queue.fail(error);
      },
    );
    inFlight.track(result);
    const eventId = (event: RunEvent<T> | "start") => ids.get(event === "start" ? startEvent : event);
    return Object.assign(queue, { runId, result, ready, cancel, eventId }) as unknown as ThreadRunStream<T>;
  };

  const api: Threads = {
    async create(options = {}) {
      const id = options.id ?? randomUUID();
      if (!THREAD_ID_PATTERN.test(id)) {
        throw new InvalidRequestError({ message: "a thread id is 1-128 of A-Z a-z 0-9 _ -", field: "id" });
      }
      const threads = await store();
      const exists = () => new ThreadError("thread_exists", `a thread "${id}" exists already`, id);
      if (await threads.get(id)) throw exists();
      // Two creates of one id at once: the primary key decides (23505: unique_violation).
      const info = await threads
        .create(id, options.agent ?? null, options.metadata ?? {})
        .catch((error: unknown) => {
          throw (error as { code?: unknown }).code === "23505" ? exists() : error;
        });
      return withMethods({ ...info, messages: [], uiMessages: [], pendingApprovals: [] });
    },
    get: load,
    async list(options = {}) {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), 100);
      return (await store()).list(limit, options.cursor);
    },
    async delete(threadId) {
      if (!THREAD_ID_PATTERN.test(threadId)) return false;
      return (await store()).delete(threadId);
    },
    run<T>(threadId: string, prompt: string, options?: ThreadRunOptions) {
      return stream<T>(threadId, prompt, options).result;
    },
    stream,
    async close() {
      await inFlight.settled();
      const current = opened;
      opened = undefined;
      if (current) await (await current.catch(() => undefined))?.store.close();
    },
  };
  return api;
}

function cancelledBeforeStart(agent: string, runId: string) {
  return new CancelledError({ message: "the run was cancelled before it started", agent, runId });
}
