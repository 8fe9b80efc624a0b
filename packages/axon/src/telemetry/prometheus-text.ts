// Prometheus text exposition (format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/),
// the pieces the gateway's and the runs' metrics share.

/** Latency buckets in seconds: from a fast FunctionModel run to a long tool-using one. */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Token buckets: the OpenTelemetry GenAI advice for `gen_ai.client.token.usage`. */
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];

/** One histogram per label set; `observe` is a few additions, cheap enough for every run. */
export class HistogramFamily {
  private readonly series = new Map<
    string,
    { labels: Record<string, string>; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: number[] = SECONDS_BUCKETS,
  ) {}

  observe(labelValues: Record<string, string>, value: number): void {
    const key = JSON.stringify(labelValues);
    let h = this.series.get(key);
    if (!h) {
      h = { labels: labelValues, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, h);
    }
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] ?? Number.POSITIVE_INFINITY)) h.counts[i] = (h.counts[i] ?? 0) + 1;
    }
    h.sum += value;
    h.count += 1;
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const h of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${labels({ ...h.labels, le: String(bound) })} ${h.counts[i] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${labels({ ...h.labels, le: "+Inf" })} ${h.count}`);
      lines.push(`${this.name}_sum${labels(h.labels)} ${h.sum}`);
      lines.push(`${this.name}_count${labels(h.labels)} ${h.count}`);
    }
  }
}

/** A counter or gauge per label set. */
export class ValueFamily {
  private readonly series = new Map<string, { labels: Record<string, string>; value: number }>();
  constructor(
    readonly name: string,
    readonly type: "counter" | "gauge",
    readonly help: string,
  ) {}

  add(labelValues: Record<string, string>, delta: number): void {
    const key = JSON.stringify(labelValues);
    const entry = this.series.get(key);
    if (entry) entry.value += delta;
    else this.series.set(key, { labels: labelValues, value: delta });
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`);
    for (const { labels: l, value } of this.series.values()) lines.push(`${this.name}${labels(l)} ${value}`);
  }
}

export function labels(values: Record<string, string>): string {
  const body = Object.entries(values)
    .map(
      ([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`,
    )
    .join(",");
  return `{${body}}`;
}
