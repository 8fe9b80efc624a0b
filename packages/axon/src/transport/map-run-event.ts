import type { RunEvent as ProtoRunEvent, RunResponse } from "../gen/axon/v1/run.js";
import type { RunEvent, RunResult } from "../run/run-types.js";

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
    default:
      return undefined;
  }
}
