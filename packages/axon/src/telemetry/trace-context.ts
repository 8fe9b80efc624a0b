// W3C trace context (https://www.w3.org/TR/trace-context/#traceparent-header) with only
// @opentelemetry/api: without an SDK the API's propagator is a no-op, and a run must still carry
// one trace id from the caller (or the gateway's request) to the worker.
import { randomUUID } from "node:crypto";
import { type Context, isSpanContextValid, type SpanContext, TraceFlags, trace } from "@opentelemetry/api";

// Any version is read as version 00 (the spec's rule for a higher version: parse the first four fields).
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(?:-|$)/;

/** The span context a `traceparent` names, or undefined when it is absent or malformed. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== "string") return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match || match[1] === "ff") return undefined;
  const [, , traceId = "", spanId = "", flags = "00"] = match;
  const context: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
  return isSpanContextValid(context) ? context : undefined;
}

/** The `traceparent` header of a span context. */
export function formatTraceparent(context: SpanContext): string {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/** A fresh sampled root, for a run that came with no trace and runs without an SDK. */
export function randomSpanContext(): SpanContext {
  // randomUUID draws from a pooled entropy buffer (cheaper than randomBytes: docs/benchmarks.md).
  const traceId = randomUUID().replaceAll("-", "");
  const spanId = randomUUID().replaceAll("-", "").slice(0, 16);
  return { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

/** `base` with `span` as its parent span (remote: it came from elsewhere). */
export function withRemoteParent(base: Context, span: SpanContext): Context {
  return trace.setSpanContext(base, span);
}
