// Prometheus text exposition (format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/).
// Run counts and latencies are what this gateway served; worker gauges are read live from
// `axon.status()` at scrape time, so they never go stale.
import { runMetrics } from "../telemetry/run-metrics.js";
import type { WorkerStatus } from "./axon-types.js";

/** Latency buckets in seconds: from a fast FunctionModel run to a long tool-using one. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class GatewayMetrics {
  private readonly runs = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();

  /** Records one finished run: `outcome` is `ok` or the error's code. */
  observeRun(agent: string, outcome: string, seconds: number): void {
    const key = JSON.stringify([agent, outcome]);
    this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
    let histogram = this.latency.get(agent);
    if (!histogram) {
      histogram = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.latency.set(agent, histogram);
    }
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) histogram.counts[i] = (histogram.counts[i] ?? 0) + 1;
    });
    histogram.sum += seconds;
    histogram.count += 1;
  }

  render(workers: WorkerStatus[]): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family(
      "axon_runs_total",
      "counter",
      "Runs served by the gateway, by agent and outcome (ok or an error code).",
    );
    for (const [key, value] of this.runs) {
      const [agent, outcome] = JSON.parse(key) as [string, string];
      lines.push(`axon_runs_total${labels({ agent, outcome })} ${value}`);
    }

    family(
      "axon_run_duration_seconds",
      "histogram",
      "Run latency as seen by the gateway, queueing included.",
    );
    for (const [agent, h] of this.latency) {
      BUCKETS.forEach((bound, i) => {
        lines.push(
          `axon_run_duration_seconds_bucket${labels({ agent, le: String(bound) })} ${h.counts[i] ?? 0}`,
        );
      });
      lines.push(`axon_run_duration_seconds_bucket${labels({ agent, le: "+Inf" })} ${h.count}`);
      lines.push(`axon_run_duration_seconds_sum${labels({ agent })} ${h.sum}`);
      lines.push(`axon_run_duration_seconds_count${labels({ agent })} ${h.count}`);
    }

    const perWorker = (name: string, type: string, help: string, value: (w: WorkerStatus) => number) => {
      family(name, type, help);
      for (const w of workers) {
        // A remote member is known by its address; a local worker's is a socket path of no interest.
        const where: Record<string, string> =
          w.kind === "remote" ? { kind: w.kind, address: w.address ?? "" } : { kind: w.kind };
        lines.push(
          `${name}${labels({ agent: w.agent, instance: String(w.instance), ...where })} ${value(w)}`,
        );
      }
    };
    perWorker("axon_worker_in_flight", "gauge", "Runs executing on the worker now.", (w) => w.inFlight);
    perWorker(
      "axon_worker_queued",
      "gauge",
      "Runs waiting for a slot (the agent's queue depth).",
      (w) => w.queued,
    );
    perWorker(
      "axon_worker_restarts_total",
      "counter",
      "Times the supervisor restarted the worker.",
      (w) => w.restarts,
    );
    perWorker(
      "axon_worker_health_check_failures_total",
      "counter",
      "Health checks (grpc.health.v1) the worker did not answer SERVING in time; a local one is killed after supervisor.healthCheck.failures in a row, a remote one leaves routing.",
      (w) => w.healthCheckFailures,
    );
    perWorker(
      "axon_worker_up",
      "gauge",
      "1 when the worker is ready (a remote one: passing its health checks), else 0.",
      (w) => (w.state === "ready" ? 1 : 0),
    );
    perWorker(
      "axon_worker_uptime_seconds",
      "gauge",
      "Seconds since the worker became ready.",
      (w) => w.uptimeMs / 1000,
    );
    // What a run's latency is made of (queue, first event, tools, tokens): every run of the process.
    runMetrics.render(lines);
    return `${lines.join("\n")}\n`;
  }
}

function labels(values: Record<string, string>): string {
  const body = Object.entries(values)
    .map(
      ([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`,
    )
    .join(",");
  return `{${body}}`;
}
