// The host's spans of a run, over in-memory workers and an in-memory span exporter: a retried
// run stays in one trace, each attempt's traceparent names its own round trip span.
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelHttpError } from "../../src/errors/worker-errors.js";
import { GatewayMetrics } from "../../src/gateway/gateway-metrics.js";
import { RunResponse } from "../../src/gen/axon/v1/run.js";
import { createAgentPool } from "../../src/pool/agent-pool.js";
import { startRun } from "../../src/run/start-run.js";
import { createMemoryEndpoint } from "../helpers/memory-endpoint.js";

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

/** A worker that fails its first `failures` calls with a retryable 429, then answers. */
function flakyPool(agent: string, failures: number) {
  let calls = 0;
  const endpoint = createMemoryEndpoint(`${agent}-0`, {
    answer: () => {
      calls += 1;
      if (calls <= failures) throw new ModelHttpError({ message: "429", retryable: true, statusCode: 429 });
      return RunResponse.fromPartial({
        outputJson: Buffer.from('"ok"'),
        usage: { inputTokens: 7, outputTokens: 3 },
      });
    },
  });
  const pool = createAgentPool({ agent });
  pool.add({ id: `${agent}-0`, endpoint });
  return { pool, endpoint };
}

describe("the spans of a run", () => {
  it("keep a retried run in one trace: one run span, a round trip span per attempt", async () => {
    exporter.reset();
    const { pool, endpoint } = flakyPool("flaky", 1);
    const run = startRun({
      pool,
      agent: "flaky",
      prompt: "hi",
      options: { retry: { attempts: 3, backoffMs: 0 } },
    });
    const result = await run.result;
    const spans = exporter.getFinishedSpans();
    const runSpan = spans.find((s) => s.name === "axon.run flaky");
    const trips = spans.filter((s) => s.name === "axon.round_trip");
    expect(trips.map((t) => t.attributes["axon.attempt"])).toEqual([1, 2]);
    expect(trips[0]?.attributes).toMatchObject({
      "axon.outcome": "model_http_error",
      "error.type": "model_http_error",
    });
    expect(trips[1]?.attributes).toMatchObject({ "axon.outcome": "ok", "axon.instance": "flaky-0" });
    const traceId = runSpan?.spanContext().traceId;
    expect(result.traceId).toBe(traceId);
    for (const trip of trips) {
      expect(trip.spanContext().traceId).toBe(traceId);
      expect(trip.parentSpanContext?.spanId).toBe(runSpan?.spanContext().spanId);
    }
    // What the worker was told: the same trace, its parent the attempt's own span.
    const sent = endpoint.calls.map((call) => String(call.metadata.get("traceparent")[0]));
    expect(sent).toEqual(trips.map((t) => `00-${traceId}-${t.spanContext().spanId}-01`));
    expect(runSpan?.attributes).toMatchObject({
      "axon.outcome": "ok",
      "axon.attempts": 2,
      "axon.round_trips": 1,
      "gen_ai.aggregated_usage.input_tokens": 7,
    });
  });

  it("continue the caller's active span and its metadata.traceparent", async () => {
    exporter.reset();
    const { pool } = flakyPool("child", 0);
    const parent = trace.getTracer("test").startSpan("caller");
    const result = await context.with(
      trace.setSpan(context.active(), parent),
      () => startRun({ pool, agent: "child", prompt: "hi", options: {} }).result,
    );
    parent.end();
    expect(result.traceId).toBe(parent.spanContext().traceId);
    const given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const explicit = await startRun({
      pool,
      agent: "child",
      prompt: "hi",
      options: { metadata: { traceparent: given } },
    }).result;
    expect(explicit.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    const runSpan = exporter
      .getFinishedSpans()
      .find((s) => s.name === "axon.run child" && s.spanContext().traceId === explicit.traceId);
    expect(runSpan?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
  });

  it("feed /metrics: queue wait, tokens, runs in flight", async () => {
    const { pool } = flakyPool("measured", 0);
    await startRun({ pool, agent: "measured", prompt: "hi", options: {} }).result;
    const text = new GatewayMetrics().render([]);
    expect(text).toContain('axon_run_queue_wait_seconds_count{agent="measured"} 1');
    expect(text).toContain('gen_ai_client_token_usage_sum{agent="measured",gen_ai_token_type="input"} 7');
    expect(text).toContain('gen_ai_client_token_usage_sum{agent="measured",gen_ai_token_type="output"} 3');
    expect(text).toContain('axon_runs_in_flight{agent="measured"} 0');
  });
});
