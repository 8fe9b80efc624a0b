// What explains a run's latency, per agent: time queued, time to the first event, host-tool time,
// tokens. Kept in-process for the gateway's /metrics and, where a meter provider is registered
// (`axon serve --otel`, or the application's own SDK), recorded as OpenTelemetry metrics too.
// Names follow the GenAI semantic conventions where one exists (`gen_ai.client.token.usage`);
// the rest are Axon's own (`axon.*`). docs/observability.md lists them.
import {
  type Counter,
  type Histogram,
  type MeterProvider,
  metrics,
  type UpDownCounter,
} from "@opentelemetry/api";
import { HistogramFamily, TOKEN_BUCKETS, ValueFamily } from "./prometheus-text.js";

interface Instruments {
  provider: MeterProvider;
  queueWait: Histogram;
  firstEvent: Histogram;
  tokens: Histogram;
  toolDuration: Histogram;
  inFlight: UpDownCounter;
  queued: UpDownCounter;
  restarts: Counter;
}

export class RunMetrics {
  readonly queueWait = new HistogramFamily(
    "axon_run_queue_wait_seconds",
    "Time a run (each attempt and round trip) waited for a worker slot, by agent.",
  );
  readonly firstEvent = new HistogramFamily(
    "axon_run_time_to_first_event_seconds",
    "Time from the start of a streamed run to its first event, by agent.",
  );
  readonly tokens = new HistogramFamily(
    "gen_ai_client_token_usage",
    "Tokens per run (OpenTelemetry gen_ai.client.token.usage), by agent and gen_ai_token_type (input, output).",
    TOKEN_BUCKETS,
  );
  readonly toolDuration = new HistogramFamily(
    "axon_tool_duration_seconds",
    "Time a host (TypeScript) tool took, by agent, tool and outcome (ok, retry, cancelled).",
  );
  readonly inFlight = new ValueFamily(
    "axon_runs_in_flight",
    "gauge",
    "Runs started and not yet finished in this process (queued ones included), by agent.",
  );
  readonly queued = new ValueFamily(
    "axon_runs_queued",
    "gauge",
    "Round trips waiting for a worker slot, by agent.",
  );
  #otel: Instruments | undefined;

  /** The OTel instruments of the registered meter provider; noop ones (cheap) when there is none. */
  private otel(): Instruments {
    const provider = metrics.getMeterProvider();
    if (this.#otel?.provider === provider) return this.#otel;
    const meter = provider.getMeter("axon-agents");
    this.#otel = {
      provider,
      queueWait: meter.createHistogram("axon.run.queue_wait", {
        unit: "s",
        description: this.queueWait.help,
      }),
      firstEvent: meter.createHistogram("axon.run.time_to_first_event", {
        unit: "s",
        description: this.firstEvent.help,
      }),
      tokens: meter.createHistogram("gen_ai.client.token.usage", {
        unit: "{token}",
        description: "Measures number of input and output tokens used",
        advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
      }),
      toolDuration: meter.createHistogram("axon.tool.duration", {
        unit: "s",
        description: this.toolDuration.help,
      }),
      inFlight: meter.createUpDownCounter("axon.runs.in_flight", { description: this.inFlight.help }),
      queued: meter.createUpDownCounter("axon.runs.queued", { description: this.queued.help }),
      restarts: meter.createCounter("axon.worker.restarts", {
        description: "Times the supervisor restarted a worker, by agent.",
      }),
    };
    return this.#otel;
  }

  observeQueueWait(agent: string, seconds: number): void {
    this.queueWait.observe({ agent }, seconds);
    this.otel().queueWait.record(seconds, { "gen_ai.agent.name": agent });
  }

  observeFirstEvent(agent: string, seconds: number): void {
    this.firstEvent.observe({ agent }, seconds);
    this.otel().firstEvent.record(seconds, { "gen_ai.agent.name": agent });
  }

  observeTokens(agent: string, input: number, output: number): void {
    const otel = this.otel();
    for (const [type, count] of [
      ["input", input],
      ["output", output],
    ] as const) {
      this.tokens.observe({ agent, gen_ai_token_type: type }, count);
      otel.tokens.record(count, {
        "gen_ai.agent.name": agent,
        "gen_ai.token.type": type,
        "gen_ai.operation.name": "invoke_agent",
      });
    }
  }

  observeTool(agent: string, tool: string, outcome: string, seconds: number): void {
    this.toolDuration.observe({ agent, tool, outcome }, seconds);
    this.otel().toolDuration.record(seconds, {
      "gen_ai.agent.name": agent,
      "gen_ai.tool.name": tool,
      "axon.tool.outcome": outcome,
    });
  }

  addInFlight(agent: string, delta: number): void {
    this.inFlight.add({ agent }, delta);
    this.otel().inFlight.add(delta, { "gen_ai.agent.name": agent });
  }

  addQueued(agent: string, delta: number): void {
    this.queued.add({ agent }, delta);
    this.otel().queued.add(delta, { "gen_ai.agent.name": agent });
  }

  /** OTel only: /metrics reads restarts from `status()` (axon_worker_restarts_total). */
  countRestart(agent: string): void {
    this.otel().restarts.add(1, { "gen_ai.agent.name": agent });
  }

  render(lines: string[]): void {
    for (const family of [
      this.queueWait,
      this.firstEvent,
      this.tokens,
      this.toolDuration,
      this.inFlight,
      this.queued,
    ])
      family.render(lines);
  }
}

/**
 * The process's run metrics: runs of every `Axon` in the process add up here, as in a Prometheus
 * client's default registry (one process, one scrape).
 */
export const runMetrics = new RunMetrics();
