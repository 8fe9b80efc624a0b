// OTLP/HTTP export for a Node process that has no OpenTelemetry SDK of its own: `axon serve`
// calls this with `--otel`, or when the standard OTEL_* variables ask for an exporter. A library
// user who runs their own SDK never needs it: Axon's spans and metrics use the global API.
// The SDK is imported only here, so a process without it loads none of it.
import {
  context,
  isSpanContextValid,
  metrics,
  propagation,
  type TextMapPropagator,
  trace,
} from "@opentelemetry/api";
import { formatTraceparent, parseTraceparent } from "./trace-context.js";

/** Where the standard variables point an OTLP/HTTP collector by default (the spec's default). */
export const DEFAULT_OTLP_ENDPOINT = "http://localhost:4318";

export interface StartOtelOptions {
  /** `service.name` unless OTEL_SERVICE_NAME says otherwise. Default: `axon-gateway`. */
  serviceName?: string;
  /** The environment to read OTEL_* from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface OtelHandle {
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops the providers. */
  shutdown(): Promise<void>;
}

const off = (value: string | undefined) => value?.trim().toLowerCase() === "none";

/** True when the environment asks for OTLP trace export (an endpoint, or OTEL_TRACES_EXPORTER=otlp). */
export function otelWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true" || off(env.OTEL_TRACES_EXPORTER)) return false;
  return (
    env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === "otlp" ||
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim())
  );
}

function metricsWanted(env: NodeJS.ProcessEnv): boolean {
  if (off(env.OTEL_METRICS_EXPORTER)) return false;
  return (
    env.OTEL_METRICS_EXPORTER?.trim().toLowerCase() === "otlp" ||
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim())
  );
}

/**
 * Registers a tracer provider (batched OTLP/HTTP JSON export), an AsyncLocalStorage context
 * manager, a W3C `traceparent` propagator and, when metrics are wanted, a meter provider with a
 * periodic OTLP/HTTP reader. The exporters read their endpoint, headers and timeouts from the
 * standard OTEL_EXPORTER_OTLP_* variables.
 */
export async function startOtel(options: StartOtelOptions = {}): Promise<OtelHandle> {
  const env = options.env ?? process.env;
  const [{ AsyncLocalStorageContextManager }, sdk, { OTLPTraceExporter }, resources] = await Promise.all([
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  const resource = resources
    .resourceFromAttributes({ "service.name": options.serviceName ?? "axon-gateway" })
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default.
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(traceparentPropagator);
  const tracerProvider = new sdk.TracerProvider({
    resource,
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const shutdowns: (() => Promise<void>)[] = [() => tracerProvider.shutdown()];
  const flushes: (() => Promise<void>)[] = [() => tracerProvider.forceFlush()];
  if (metricsWanted(env)) {
    const [{ MeterProvider, PeriodicExportingMetricReader }, { OTLPMetricExporter }] = await Promise.all([
      import("@opentelemetry/sdk-metrics"),
      import("@opentelemetry/exporter-metrics-otlp-http"),
    ]);
    const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
    const meterProvider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter(),
          ...(Number.isFinite(interval) && interval > 0 ? { exportIntervalMillis: interval } : {}),
        }),
      ],
    });
    metrics.setGlobalMeterProvider(meterProvider);
    shutdowns.push(() => meterProvider.shutdown());
    flushes.push(() => meterProvider.forceFlush());
  }
  return {
    async flush() {
      await Promise.allSettled(flushes.map((flush) => flush()));
    },
    async shutdown() {
      await Promise.allSettled(shutdowns.map((shutdown) => shutdown()));
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
    },
  };
}

// W3C trace context for code that uses `propagation.inject/extract` (Axon itself reads and writes
// the header directly). The SDK's own one lives in @opentelemetry/core, not a direct dependency.
const traceparentPropagator: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx);
    if (span && isSpanContextValid(span)) setter.set(carrier, "traceparent", formatTraceparent(span));
  },
  extract(ctx, carrier, getter) {
    const raw = getter.get(carrier, "traceparent");
    const span = parseTraceparent(Array.isArray(raw) ? raw[0] : raw);
    return span ? trace.setSpanContext(ctx, span) : ctx;
  },
  fields: () => ["traceparent"],
};
