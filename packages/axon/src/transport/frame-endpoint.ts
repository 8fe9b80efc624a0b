import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { type AxonError, isAxonError } from "../errors/axon-error.js";
import { RunEvent as ProtoRunEvent, RunRequest, RunResponse } from "../gen/axon/v1/run.js";
import { callErrorMapper } from "./call-error.js";
import type { FrameClient } from "./frame-client.js";
import { decodeError, FrameKind, runFrame } from "./frame-codec.js";
import { ERROR_DETAIL_KEY } from "./map-grpc-error.js";
import { createEventDelivery } from "./map-run-event.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./worker-client.js";
import type { EndpointExit, WorkerEndpoint } from "./worker-endpoint.js";

export interface FrameEndpointOptions {
  /** Unique within the agent's pool. Required. */
  id: string;
  /** The open connection to the worker's frames socket. Required. */
  client: FrameClient;
  /** Resolves when the worker's process exited. Required: frames are for local workers only. */
  gone: Promise<EndpointExit>;
  /** The config's `maxMessageBytes`, named in the error of a message over it. Default: 64 MiB. */
  maxMessageBytes?: number;
}

/**
 * The status and trailers a failed call would have had over gRPC, so that one mapping
 * (`callErrorMapper`) serves both transports. A plain object of grpc-js' shape, not an `Error`:
 * it only ever becomes the `cause` of the `AxonError` the caller gets.
 */
function statusError(code: status, details: string, detail?: Buffer): ServiceError {
  const metadata = new Metadata();
  if (detail && detail.length > 0) metadata.set(ERROR_DETAIL_KEY, detail);
  return { name: "StatusError", message: `${code} ${status[code]}: ${details}`, code, details, metadata };
}

/**
 * A local worker reached by frames on its event loop (docs/worker-protocol.md, "Local frames"):
 * the same calls, errors and flow control as `createGrpcEndpoint`, without HTTP/2 and grpc.aio's
 * thread hand-offs.
 */
export function createFrameEndpoint(options: FrameEndpointOptions): WorkerEndpoint {
  const { id, client, gone } = options;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const toAxonError = callErrorMapper({ id, kind: "local", gone, maxMessageBytes });

  return {
    id,
    address: client.address,
    kind: "local",
    gone,
    call(call) {
      return new Promise<RunResponse>((resolve, reject) => {
        let callId = 0;
        let over = false;
        let timer: NodeJS.Timeout | undefined;
        const settle = (error: ServiceError | AxonError | undefined, response?: RunResponse) => {
          if (over) return;
          over = true;
          clearTimeout(timer);
          client.finish(callId);
          call.signal.removeEventListener("abort", onAbort);
          if (!error && response) resolve(response);
          else if (error && !isAxonError(error)) void toAxonError(error, call).then(reject);
          else reject(error);
        };
        const cancel = (code: status, details: string) => {
          if (over) return;
          client.signal(FrameKind.cancel, callId);
          settle(statusError(code, details));
        };
        const onAbort = () => cancel(status.CANCELLED, "Cancelled on client");
        const remaining = call.deadline === undefined ? 0 : call.deadline - Date.now();
        if (call.deadline !== undefined && remaining <= 0) {
          settle(statusError(status.DEADLINE_EXCEEDED, "Deadline exceeded"));
          return;
        }
        const [traceparent] = call.metadata.get("traceparent");
        const request = RunRequest.encode(call.request).finish();
        const kind = call.onEvent ? FrameKind.stream : FrameKind.run;
        const frame = (callId: number) =>
          runFrame(
            kind,
            callId,
            remaining,
            typeof traceparent === "string" ? traceparent : undefined,
            request,
          );

        let onFrame: (kind: number, payload: Buffer) => void;
        const failed = (payload: Buffer) => {
          const error = decodeError(payload);
          return statusError(error.code, error.message, error.detail);
        };
        if (!call.onEvent) {
          onFrame = (got, payload) => {
            if (got === FrameKind.response) settle(undefined, RunResponse.decode(payload));
            else if (got === FrameKind.error) settle(failed(payload));
          };
        } else {
          // The same ordered delivery as over gRPC: a consumer behind pauses this call only.
          const delivery = createEventDelivery(call.onEvent, {
            pause: () => client.signal(FrameKind.pause, callId),
            resume: () => client.signal(FrameKind.resume, callId),
          });
          onFrame = (got, payload) => {
            if (got === FrameKind.event) delivery.push(ProtoRunEvent.decode(payload));
            else if (got === FrameKind.end) delivery.whenEnded(call, settle);
            // What the run produced before it failed reaches the consumer first, in order.
            else if (got === FrameKind.error) {
              const error = failed(payload);
              delivery.whenDelivered(() => settle(error));
            }
          };
        }
        callId = client.open(frame, {
          onFrame: (got, payload) => onFrame(got, payload),
          onLost: (reason) => settle(statusError(status.UNAVAILABLE, reason)),
        });
        if (call.deadline !== undefined) {
          timer = setTimeout(() => cancel(status.DEADLINE_EXCEEDED, "Deadline exceeded"), remaining);
        }
        call.signal.addEventListener("abort", onAbort, { once: true });
        if (call.signal.aborted) onAbort();
      });
    },
    describe: (timeoutMs) => client.describe(timeoutMs),
    // The client's failures are `AgentUnavailableError`s already, naming the worker's socket.
    checkHealth: (timeoutMs) => client.checkHealth(timeoutMs),
    close: () => client.close(),
  };
}
