import type { AxonError } from "../errors/axon-error.js";
import { InternalError } from "../errors/worker-errors.js";
import type { RunEvent as ProtoRunEvent, RunResponse } from "../gen/axon/v1/run.js";
import type { RunEvent, RunResult } from "../run/run-types.js";
import type { CallContext } from "./map-grpc-error.js";
import type { EventSink } from "./worker-endpoint.js";

/** What the stream delivery needs of a grpc-js stream: flow control. */
interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

/** The events one stream message carries, in order: a batch's (protocol 2), or the message itself. */
export function unbatch(message: ProtoRunEvent): ProtoRunEvent[] {
  return message.event?.$case === "batch" ? message.event.value.events : [message];
}

/**
 * Hands a stream's events to `onEvent` one at a time, in order, batches unpacked. When `onEvent`
 * returns a promise (the consumer is behind), delivery stops and the stream is paused until it
 * settles; events of a batch that were not delivered yet wait in order. The final response is
 * kept, in its place in the order, for `whenEnded`.
 */
export function createEventDelivery(onEvent: EventSink, stream: Pausable) {
  const queue: ProtoRunEvent[] = [];
  let head = 0;
  let final: RunResponse | undefined;
  let waiting = false;
  let onDrained: (() => void) | undefined;
  const drain = () => {
    while (head < queue.length) {
      const message = queue[head++] as ProtoRunEvent;
      if (message.event?.$case === "final") {
        final = message.event.value;
        continue;
      }
      const event = toRunEvent(message);
      const behind = event && onEvent(event);
      if (behind) {
        waiting = true;
        stream.pause();
        void behind.then(() => {
          waiting = false;
          drain();
          if (!waiting) stream.resume();
        });
        return;
      }
    }
    queue.length = 0;
    head = 0;
    const done = onDrained;
    onDrained = undefined;
    done?.();
  };
  /** Runs `then` once every event received so far was delivered (at once when none waits). */
  const whenDelivered = (then: () => void) => {
    if (!waiting && head >= queue.length) then();
    else onDrained = then;
  };
  return {
    /** One message off the wire. */
    push(message: ProtoRunEvent) {
      queue.push(...unbatch(message));
      if (!waiting) drain();
    },
    whenDelivered,
    /**
     * The stream ended well: once every event was delivered, `settle` gets its final response, or
     * an `InternalError` when the stream carried none.
     */
    whenEnded(call: CallContext, settle: (error: AxonError | undefined, response?: RunResponse) => void) {
      whenDelivered(() => {
        const { agent, runId } = call;
        if (final) settle(undefined, final);
        else settle(new InternalError({ message: "the stream ended without a final event", agent, runId }));
      });
    },
  };
}

/** Parses a JSON field of the contract; an empty field is `fallback`. */
export function parseJsonBytes(bytes: Uint8Array | undefined, fallback: unknown = undefined): unknown {
  if (!bytes || bytes.length === 0) return fallback;
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
}

/** A `RunResponse` as the public `RunResult`. */
export function toRunResult<T>(response: RunResponse): RunResult<T> {
  const usage = response.usage;
  return {
    output: parseJsonBytes(response.outputJson, null) as T,
    usage: {
      requests: usage?.requests ?? 0,
      toolCalls: usage?.toolCalls ?? 0,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      totalTokens: usage?.totalTokens ?? 0,
    },
    newMessages: parseJsonBytes(response.newMessagesJson, []) as unknown[],
    allMessages: parseJsonBytes(response.allMessagesJson, []) as unknown[],
    runId: response.runId,
    model: response.modelName,
  };
}

/** A streamed event as the public `RunEvent`; undefined for an empty (unknown) event. */
export function toRunEvent<T>(event: ProtoRunEvent): RunEvent<T> | undefined {
  const e = event.event;
  switch (e?.$case) {
    case "textDelta":
      return { type: "text-delta", text: e.value.text };
    case "outputDelta":
      return { type: "output-delta", partial: parseJsonBytes(e.value.partialJson, null) };
    case "thinkingDelta":
      return { type: "thinking-delta", text: e.value.text };
    case "toolCall":
      return {
        type: "tool-call",
        toolCallId: e.value.toolCallId,
        toolName: e.value.toolName,
        args: parseJsonBytes(e.value.argsJson, {}),
      };
    case "toolResult": {
      const { toolCallId, toolName, outcome } = e.value;
      return outcome?.$case === "retryText"
        ? { type: "tool-result", toolCallId, toolName, retry: outcome.value }
        : { type: "tool-result", toolCallId, toolName, result: parseJsonBytes(outcome?.value) };
    }
    case "final":
      return { type: "result", result: toRunResult<T>(e.value) };
    case "batch": // several events in one message: `createEventDelivery` unpacks them first
    default:
      return undefined;
  }
}
