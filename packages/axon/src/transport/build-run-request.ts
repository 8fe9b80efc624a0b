import { randomUUID } from "node:crypto";
import { Metadata } from "@grpc/grpc-js";
import { InvalidRequestError } from "../errors/worker-errors.js";
import type { RunRequest } from "../gen/axon/v1/run.js";
import type { RunOptions } from "../run/run-options.js";
import { toApprovalResults } from "../tools/approvals.js";
import { toToolDefinitions } from "../tools/tool-definitions.js";

// A value JSON cannot carry (a cycle, a BigInt, a function) is the caller's mistake: an
// InvalidRequestError naming the option, not a TypeError from deep inside the library.
const json = (value: unknown, agent: string, field: keyof RunOptions): Buffer => {
  if (value === undefined) return Buffer.alloc(0);
  let text: string | undefined;
  let cause: unknown;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    cause = error;
  }
  if (text === undefined) {
    const why = cause instanceof Error ? cause.message : "it has no JSON form";
    const message = `invalid run option \`${field}\`: not JSON-serializable (${why})`;
    throw new InvalidRequestError({ message, agent, field, cause });
  }
  return Buffer.from(text);
};

/** The protobuf request of a run. An empty `model` lets the worker use the agent's (set by `--model`). */
export function buildRunRequest(
  agent: string,
  prompt: string,
  runId: string,
  options: RunOptions,
): RunRequest {
  return {
    agent,
    prompt,
    messageHistoryJson: json(options.messageHistory, agent, "messageHistory"),
    modelSettingsJson: json(options.modelSettings, agent, "modelSettings"),
    model: options.model ?? "",
    depsJson: json(options.deps, agent, "deps"),
    usageLimits: options.usageLimits,
    runId,
    metadataJson: json(options.metadata, agent, "metadata"),
    hostTools: options.tools ? toToolDefinitions(options.tools) : [],
    deferredToolResults: toApprovalResults(options.approvals),
  };
}

// W3C trace context: version 00, 16-byte trace id, 8-byte parent id, flags 01 (sampled).
// https://www.w3.org/TR/trace-context/#traceparent-header
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** A new `traceparent`, for runs that did not bring one. */
export function newTraceparent(): string {
  // randomUUID draws from a pooled entropy buffer; two randomBytes() calls were the largest
  // item of the host's own per-run cost (docs/benchmarks.md). 32 hex digits of trace id, 16 of span.
  const trace = randomUUID().replaceAll("-", "");
  return `00-${trace}-${randomUUID().replaceAll("-", "").slice(0, 16)}-01`;
}

/** Call metadata: the caller's `traceparent` when valid (from `metadata.traceparent`), else a new one. */
export function buildCallMetadata(options: RunOptions): Metadata {
  const metadata = new Metadata();
  const given = options.metadata?.traceparent;
  metadata.set(
    "traceparent",
    typeof given === "string" && TRACEPARENT.test(given) ? given : newTraceparent(),
  );
  return metadata;
}
