// The spans of one run (docs/observability.md): `axon.run <agent>` (or `axon.stream`), one
// `axon.round_trip` client span per call to a worker (each round trip and each retry of it,
// queue wait included), and one `execute_tool <name>` span per host tool call. All share the
// run's trace, whatever the attempts and round trips, and the worker's pydantic-ai spans hang
// below the round trip that carried them. Without an SDK the spans are the API's no-op ones and
// only the trace context is kept: one trace id per run, sent to the worker as `traceparent`.
import {
  type Attributes,
  type Context,
  isSpanContextValid,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { isAxonError } from "../errors/axon-error.js";
import { activeParentContext } from "./request-context.js";
import { formatTraceparent, parseTraceparent, randomSpanContext, withRemoteParent } from "./trace-context.js";

const tracer = trace.getTracer("axon-agents");

export interface RunTraceOptions {
  kind: "run" | "stream";
  agent: string;
  runId: string;
  /** The caller's `metadata.traceparent`: the run's parent when valid. Default: the active context. */
  traceparent?: unknown;
  /** The run continues a paused one (approval decisions): its span links to `traceparent`'s. */
  continuation?: boolean;
}

export class RunTrace {
  readonly span: Span;
  /** The run span's context: the parent of its round trips and tool calls. */
  readonly context: Context;
  /** The trace id and span context of the run (its `traceparent`), also without an SDK. */
  readonly spanContext: SpanContext;

  constructor(options: RunTraceOptions) {
    const given = parseTraceparent(options.traceparent);
    const active = activeParentContext();
    const parent = given ? withRemoteParent(active, given) : active;
    const links: Link[] =
      given && options.continuation ? [{ context: given, attributes: { "axon.link": "continues" } }] : [];
    this.span = tracer.startSpan(
      `axon.${options.kind} ${options.agent}`,
      {
        kind: SpanKind.INTERNAL,
        links,
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": options.agent,
          "axon.agent": options.agent,
          "axon.run_id": options.runId,
          "axon.stream": options.kind === "stream",
          ...(options.continuation ? { "axon.continuation": true } : {}),
        },
      },
      parent,
    );
    const own = this.span.spanContext();
    if (isSpanContextValid(own)) {
      this.spanContext = own;
      this.context = trace.setSpan(parent, this.span);
    } else {
      // No SDK and no parent: the API's no-op span has no ids; make the run's trace here.
      this.spanContext = randomSpanContext();
      this.context = withRemoteParent(parent, this.spanContext);
    }
  }

  get traceId(): string {
    return this.spanContext.traceId;
  }

  get traceparent(): string {
    return formatTraceparent(this.spanContext);
  }

  /** A span for one call to a worker: round trip `trip`, try `attempt` of it. */
  roundTrip(trip: number, attempt: number, stream: boolean): RoundTripTrace {
    return new RoundTripTrace(this, trip, attempt, stream);
  }

  /** A span for one host tool call (GenAI `execute_tool`). */
  tool(toolName: string, toolCallId: string, attributes: Attributes = {}): Span {
    return tracer.startSpan(
      `execute_tool ${toolName}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.tool.name": toolName,
          "gen_ai.tool.call.id": toolCallId,
          "gen_ai.tool.type": "function",
          "axon.tool.host": true,
          ...attributes,
        },
      },
      this.context,
    );
  }

  /** Ends the run span with its outcome: `ok`, `paused` (waiting for approvals) or the error's code. */
  end(outcome: { error?: unknown; paused?: boolean; attributes?: Attributes }): void {
    const { error } = outcome;
    if (outcome.attributes) this.span.setAttributes(outcome.attributes);
    if (error === undefined) {
      this.span.setAttribute("axon.outcome", outcome.paused ? "paused" : "ok");
    } else {
      endWithError(this.span, error);
    }
    this.span.end();
  }
}

export class RoundTripTrace {
  readonly span: Span;
  readonly traceparent: string;

  constructor(run: RunTrace, trip: number, attempt: number, stream: boolean) {
    this.span = tracer.startSpan(
      "axon.round_trip",
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "rpc.system": "grpc",
          "rpc.service": "axon.v1.AgentService",
          "rpc.method": stream ? "RunStream" : "Run",
          "axon.round_trip": trip,
          "axon.attempt": attempt,
        },
      },
      run.context,
    );
    const own = this.span.spanContext();
    // Without an SDK the worker's parent is the run's own (made-up) span context.
    this.traceparent = formatTraceparent(isSpanContextValid(own) ? own : run.spanContext);
  }

  /** The worker slot was granted: which instance, after how long in the queue. */
  leased(instance: string, queueWaitMs: number): void {
    this.span.setAttributes({ "axon.instance": instance, "axon.queue_wait_ms": queueWaitMs });
  }

  end(error?: unknown): void {
    if (error === undefined) this.span.setAttribute("axon.outcome", "ok");
    else endWithError(this.span, error);
    this.span.end();
  }
}

/** `error.type` (OTel's attribute for the class of error) carries the AxonError code. */
export function endWithError(span: Span, error: unknown): void {
  const code = isAxonError(error) ? error.code : "internal";
  span.setAttributes({ "axon.outcome": code, "error.type": code });
  if (isAxonError(error) && error.retryable) span.setAttribute("axon.retryable", true);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
