import { randomBytes } from "node:crypto";
import { Metadata } from "@grpc/grpc-js";
import type { RunRequest } from "../gen/axon/v1/run.js";
import type { RunOptions } from "../run/run-options.js";

const json = (value: unknown): Buffer =>
  value === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(value));

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
    messageHistoryJson: json(options.messageHistory),
    modelSettingsJson: json(options.modelSettings),
    model: options.model ?? "",
    depsJson: json(options.deps),
    usageLimits: options.usageLimits,
    runId,
    metadataJson: json(options.metadata),
    hostTools: [],
    deferredToolResults: [],
  };
}

// W3C trace context: version 00, 16-byte trace id, 8-byte parent id, flags 01 (sampled).
// https://www.w3.org/TR/trace-context/#traceparent-header
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** A new `traceparent`, for runs that did not bring one. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
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
