// Section `tracing`: what OpenTelemetry costs a run. Two Axons of 1 echo instance each, measured
// side by side: one with tracing off (no SDK: the API's no-op spans), one with it on as
// `axon serve --otel` sets it up: the Node SDK batching spans and metrics to an OTLP/HTTP endpoint
// and a worker with pydantic-ai's instrumentation exporting to the same one. The endpoint is a
// local HTTP server that reads each request and answers 200, so the cost measured is making,
// encoding and sending the telemetry, not a collector's. docs/observability.md.
import { createServer } from "node:http";
import { context, INVALID_SPAN_CONTEXT, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { createAxon } from "axon-agents";
import { AGENT_SPEC, UNARY_PROMPT } from "./lib/params.mjs";
import { repoRoot, rssMiB } from "./lib/python.mjs";
import { nodeSetup } from "./lib/setup.mjs";

/**
 * The global tracer and meter providers are the process's, and the bench measures every setup in
 * one process: these switch between the SDK and no-op only while the traced setup is measured,
 * so the other setups (and this section's "off" row) run as without an SDK.
 */
function switchable(sdkTracers, sdkMeters) {
  let on = false;
  // What the API's NoopTracer does: a span that only carries its parent's context.
  const noopSpan = (ctx = context.active()) =>
    trace.wrapSpanContext(trace.getSpanContext(ctx) ?? INVALID_SPAN_CONTEXT);
  const tracerProvider = {
    getTracer(name, version, options) {
      const real = sdkTracers.getTracer(name, version, options);
      return {
        startSpan: (spanName, spanOptions, ctx) =>
          on ? real.startSpan(spanName, spanOptions, ctx) : noopSpan(ctx),
        startActiveSpan: (...args) => real.startActiveSpan(...args),
      };
    },
  };
  trace.setGlobalTracerProvider(tracerProvider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    set(value) {
      on = value;
      // Axon's run metrics take their instruments from the provider registered now.
      metrics.disable();
      if (value) metrics.setGlobalMeterProvider(sdkMeters);
    },
  };
}

export async function startTracing() {
  let requests = 0;
  const collector = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests += 1;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${collector.address().port}`;
  const resource = resourceFromAttributes({ "service.name": "axon-bench" });
  const tracers = new TracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${url}/v1/traces` }) }),
    ],
  });
  const meters = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${url}/v1/metrics` }),
        exportIntervalMillis: 5000,
      }),
    ],
  });
  const sdk = switchable(tracers, meters);
  const start = (env) =>
    createAxon({
      python: { cwd: repoRoot, env },
      agents: { echo: { module: AGENT_SPEC, maxConcurrency: 1000 } },
    });
  const off = await start({});
  const on = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: url });
  const setup = (axon, traced) => {
    const pids = () => axon.status().map((worker) => worker.pid);
    const base = nodeSetup({
      id: `tracing.${traced ? "on" : "off"}.run`,
      label: `Axon axon.run, tracing ${traced ? "on (OTLP/HTTP, both sides)" : "off"}`,
      processes: 1,
      op: "run",
      call: () => axon.run("echo", UNARY_PROMPT),
      pids,
    });
    const around =
      (fn) =>
      async (...args) => {
        sdk.set(traced);
        try {
          return await fn(...args);
        } finally {
          sdk.set(false);
        }
      };
    return { ...base, warmup: around(base.warmup), measure: around(base.measure) };
  };
  return {
    setups: [setup(off, false), setup(on, true)],
    rss: () => ({ tracing: [off, on].flatMap((axon) => axon.status().map((worker) => rssMiB(worker.pid))) }),
    stop: async () => {
      await Promise.all([off.close(), on.close()]);
      await Promise.allSettled([tracers.shutdown(), meters.shutdown()]);
      trace.disable();
      metrics.disable();
      context.disable();
      await new Promise((resolve) => collector.close(resolve));
      if (requests === 0) console.error("[bench] tracing: the OTLP endpoint received nothing");
    },
  };
}
