import { InvalidRequestError } from "../errors/worker-errors.js";
import type { RunRequest } from "../gen/axon/v1/run.js";

// Both ends of a worker's channel refuse a message over `maxMessageBytes` with a bare
// RESOURCE_EXHAUSTED, which reads like an overload (retryable, 429). The host measures the
// request instead, before sending it, and names the limit. The measure is an upper bound of the
// protobuf encoding: the bytes of every string and bytes field plus the most their tags and length
// prefixes take, so no request under it can be refused by gRPC.
// https://protobuf.dev/programming-guides/encoding/#length-types

/** The most a tag (field number < 2048) and a length prefix (< 4 GiB) take together. */
const FIELD_OVERHEAD = 8;
/** `UsageLimits`: five int64 fields, each a tag and a varint of at most 10 bytes, plus its own prefix. */
const USAGE_LIMITS_BYTES = 5 * 11 + FIELD_OVERHEAD;

const text = (value: string) => (value ? Buffer.byteLength(value) + FIELD_OVERHEAD : 0);
const bytes = (value: Uint8Array) => (value.length ? value.length + FIELD_OVERHEAD : 0);

/** An upper bound of the request's encoded size, by the run option (or request field) each part comes from. */
export function requestBytesByOption(request: RunRequest): Record<string, number> {
  let tools = 0;
  for (const tool of request.hostTools) {
    tools += FIELD_OVERHEAD + text(tool.name) + text(tool.description) + bytes(tool.parametersJsonSchema) + 2;
  }
  let results = 0;
  for (const entry of request.deferredToolResults) {
    results += FIELD_OVERHEAD + text(entry.toolCallId) + FIELD_OVERHEAD;
    const result = entry.result;
    if (result?.$case === "returnJson") results += bytes(result.value);
    else if (result?.$case === "retryText") results += text(result.value);
    else if (result?.$case === "approval") {
      results += 2 + text(result.value.deniedMessage) + bytes(result.value.overrideArgsJson);
    }
  }
  return {
    prompt: text(request.prompt) + text(request.agent) + text(request.runId) + text(request.model),
    messageHistory: bytes(request.messageHistoryJson),
    modelSettings: bytes(request.modelSettingsJson),
    deps: bytes(request.depsJson),
    metadata: bytes(request.metadataJson),
    usageLimits: request.usageLimits ? USAGE_LIMITS_BYTES : 0,
    tools,
    // Not a run option: the first trip's `approvals`, or the host tools' results on a continuation.
    deferredToolResults: results,
  };
}

/**
 * Throws `InvalidRequestError` when the request could exceed `maxMessageBytes`; its `field` is
 * the run option that takes the most room, its message names the limit and the config field.
 */
export function checkRequestSize(
  request: RunRequest,
  maxMessageBytes: number,
  context: { agent: string; runId: string },
): void {
  const parts = requestBytesByOption(request);
  let total = 0;
  let largest = "prompt";
  for (const [option, size] of Object.entries(parts)) {
    total += size;
    if (size > (parts[largest] ?? 0)) largest = option;
  }
  if (total <= maxMessageBytes) return;
  const message =
    `the run's request takes ${total} bytes, over the limit of ${maxMessageBytes} bytes ` +
    `(config \`maxMessageBytes\`); \`${largest}\` takes ${parts[largest]} of them`;
  throw new InvalidRequestError({ message, ...context, field: largest });
}

/** The error of a call that gRPC cut because a message (in practice the worker's answer) was over the limit. */
export function messageTooLargeError(
  maxMessageBytes: number,
  context: { agent: string; runId: string; cause: unknown },
): InvalidRequestError {
  const message =
    `a message of the run is over the limit of ${maxMessageBytes} bytes (config \`maxMessageBytes\`): ` +
    "the worker's answer (its output, events or whole message history) does not fit; raise the limit or shorten the history";
  return new InvalidRequestError({ message, ...context, field: "maxMessageBytes" });
}
