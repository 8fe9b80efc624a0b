import type { Metadata } from "@grpc/grpc-js";
import type { DescribeResponse } from "../gen/axon/v1/describe.js";
import type { RunRequest, RunResponse } from "../gen/axon/v1/run.js";
import type { RunEvent } from "../run/run-types.js";

/** How a local endpoint's process ended. */
export interface EndpointExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Receives a streamed run's events but the final one. A promise back means the reader fell
 * behind: the endpoint stops reading until it settles (flow control holds the worker back).
 */
export type EventSink = (event: RunEvent) => void | Promise<void>;

export interface EndpointCall {
  agent: string;
  runId: string;
  request: RunRequest;
  /** Trace context and the like, sent as gRPC metadata (over local frames, only `traceparent` travels). */
  metadata: Metadata;
  /** Cancels the call on the worker. */
  signal: AbortSignal;
  /** Absolute deadline (ms since epoch). Default: none. */
  deadline?: number;
  /** The run's `timeoutMs`, for the error of a deadline that passed. Default: none. */
  timeoutMs?: number;
  /** Set for a streamed run. */
  onEvent?: EventSink;
}

/**
 * One worker that serves an agent's runs, as the router sees it: a child process on a Unix
 * socket and a pod behind a DNS name are the same thing here. Every failure is an `AxonError`
 * (docs/errors.md), so nothing above this layer knows gRPC.
 */
export interface WorkerEndpoint {
  /** Unique within its agent's pool, e.g. `echo-0` or `support@10.1.2.3:50051`. */
  readonly id: string;
  /** Where it is: `unix:/...sock` or `host:port`. */
  readonly address: string;
  /** `local`: a process Axon spawned and supervises; `remote`: one it only connects to. */
  readonly kind: "local" | "remote";
  /** One run, unary or (with `onEvent`) streamed, to its final response. */
  call(call: EndpointCall): Promise<RunResponse>;
  describe(timeoutMs: number): Promise<DescribeResponse>;
  /** Resolves when `grpc.health.v1` answers SERVING; rejects with an `AxonError` otherwise. */
  checkHealth(timeoutMs: number): Promise<void>;
  /** Resolves when the endpoint is gone for good (a local process exited); never for a remote one. */
  readonly gone: Promise<EndpointExit>;
  close(): void;
}
