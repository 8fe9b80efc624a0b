// A server span per API request, continuing the caller's W3C `traceparent` header, and the
// context the request's runs start in (so their spans, and the worker's, join the caller's trace).
// Without an SDK there is no span; an incoming `traceparent` still reaches the worker.
import { isSpanContextValid, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { withRequestContext } from "../telemetry/request-context.js";
import { parseTraceparent } from "../telemetry/trace-context.js";

const tracer = trace.getTracer("axon-agents");

/** The response header that names the request's trace, when it has one. */
export const TRACE_ID_HEADER = "X-Axon-Trace-Id";

// The live feed is one request per dashboard that lasts for hours: no span of its own.
const untraced = (path: string) => !path.startsWith("/v1/") || path === "/v1/events";

export function traceRequests(): MiddlewareHandler {
  return async (c, next) => {
    if (untraced(c.req.path)) return next();
    const incoming = parseTraceparent(c.req.header("traceparent"));
    const parent = incoming ? trace.setSpanContext(ROOT_CONTEXT, incoming) : ROOT_CONTEXT;
    const method = c.req.method;
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": method, "url.path": c.req.path, "url.scheme": "http" },
      },
      parent,
    );
    const own = span.spanContext();
    // No SDK and no header: nothing to carry; the run makes its own trace.
    if (!isSpanContextValid(own)) return next();
    const ctx = span.isRecording() ? trace.setSpan(parent, span) : parent;
    try {
      await withRequestContext(ctx, next);
    } finally {
      // The matched route (`/v1/agents/:name/run`), not the path: a span name of low cardinality.
      const route = routePath(c, -1);
      if (route && route !== "*" && route !== "/*") {
        span.updateName(`${method} ${route}`);
        span.setAttribute("http.route", route);
      }
      const status = c.res.status;
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      c.res.headers.set(TRACE_ID_HEADER, own.traceId);
      span.end();
    }
  };
}
