// The dashboard's live feed: worker status snapshots, Python log records and supervisor
// events, fanned out to every `/v1/events` subscriber. Recent logs are kept per agent so a
// dashboard opened later still shows the tail.

import { statusView } from "./agent-state.js";
import type { AxonEventName, GatewayAxon, LogRecord } from "./axon-types.js";
import { toErrorResponse } from "./http-error.js";

export type LiveEvent =
  | { event: "status"; data: { time: number; agents: ReturnType<typeof statusView> } }
  | { event: "log"; data: LogRecord & { time: number } }
  | { event: "worker"; data: WorkerEventData };

type WorkerEventData = { type: AxonEventName; time: number; [field: string]: unknown };

export interface LiveEventsOptions {
  /** How often a status snapshot is sent even if no event happened (in-flight counts, uptime). Default: 1000 ms. */
  statusIntervalMs?: number;
  /** Log records kept per agent for late subscribers. Default: 200. */
  logBacklog?: number;
}

const workerEvents: AxonEventName[] = [
  "worker-started",
  "worker-exited",
  "worker-restarted",
  "agent-failed",
  "agent-reloaded",
  "reload-failed",
];

export class LiveEvents {
  private readonly subscribers = new Set<(event: LiveEvent) => void>();
  private readonly logs = new Map<string, LiveEvent[]>();
  private readonly listeners: [AxonEventName, (payload: unknown) => void][] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly axon: GatewayAxon,
    private readonly options: LiveEventsOptions = {},
  ) {
    this.listen("log", (payload) => this.onLog(payload as LogRecord));
    for (const name of workerEvents) {
      this.listen(name, (payload) => {
        const data: WorkerEventData = { ...plain(payload), type: name, time: Date.now() };
        // `agent-failed` carries the error: sent as the HTTP API sends errors (no traceback).
        const error = (payload as { error?: unknown }).error;
        if (error !== undefined) data.error = toErrorResponse(error).body.error;
        this.publish({ event: "worker", data });
        this.publish(this.snapshot());
      });
    }
  }

  snapshot(): LiveEvent {
    return { event: "status", data: { time: Date.now(), agents: statusView(this.axon.status()) } };
  }

  /** Subscribes; the first events are the current status and the log backlog. */
  subscribe(send: (event: LiveEvent) => void): () => void {
    send(this.snapshot());
    for (const backlog of this.logs.values()) for (const event of backlog) send(event);
    this.subscribers.add(send);
    this.timer ??= setInterval(() => this.publish(this.snapshot()), this.options.statusIntervalMs ?? 1000);
    this.timer.unref();
    return () => {
      this.subscribers.delete(send);
      if (this.subscribers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  close(): void {
    for (const [name, listener] of this.listeners) this.axon.off(name, listener);
    if (this.timer) clearInterval(this.timer);
    this.subscribers.clear();
  }

  private listen(name: AxonEventName, listener: (payload: unknown) => void): void {
    this.axon.on(name, listener);
    this.listeners.push([name, listener]);
  }

  private onLog(record: LogRecord): void {
    const time = Number.isFinite(record.time) ? record.time : Date.now();
    const event: LiveEvent = { event: "log", data: { ...(plain(record) as unknown as LogRecord), time } };
    const agent = record.agent ?? "";
    const backlog = this.logs.get(agent) ?? [];
    backlog.push(event);
    if (backlog.length > (this.options.logBacklog ?? 200)) backlog.shift();
    this.logs.set(agent, backlog);
    this.publish(event);
  }

  private publish(event: LiveEvent): void {
    for (const send of this.subscribers) send(event);
  }
}

/** A JSON-safe copy of an event payload (errors become their `toJSON()` or message). */
function plain(payload: unknown): Record<string, unknown> {
  if (typeof payload !== "object" || payload === null) return { value: payload };
  return JSON.parse(
    JSON.stringify(payload, (_key, value) => {
      if (typeof value === "bigint") return value.toString();
      if (value instanceof Error && !("toJSON" in value)) return { name: value.name, message: value.message };
      return value;
    }),
  );
}
