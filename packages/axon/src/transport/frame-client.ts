import { connect, type Socket } from "node:net";
import { AgentUnavailableError } from "../errors/host-errors.js";
import { DescribeResponse } from "../gen/axon/v1/describe.js";
import { HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health.js";
import { controlFrame, createFrameReader, decodeError, FrameKind } from "./frame-codec.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./worker-client.js";

/** Where the answers of one call go. */
export interface FrameCallHandlers {
  /** A RESPONSE, EVENT, END or ERROR frame of the call (the payload is valid during the call only). */
  onFrame(kind: number, payload: Buffer): void;
  /** The connection closed while the call was open. */
  onLost(reason: string): void;
}

/** One connection to a local worker's frames socket (docs/worker-protocol.md, "Local frames"). */
export interface FrameClient {
  readonly transport: "frames";
  /** `unix:/...frames`. */
  readonly address: string;
  /** Opens a call: sends `frame(callId)`, routes the call's frames to `handlers` until `finish`. */
  open(frame: (callId: number) => Buffer, handlers: FrameCallHandlers): number;
  /** Sends a payload-less frame of an open call: cancel, pause, resume. */
  signal(kind: number, callId: number): void;
  /** The call is over: later frames for it are ignored. */
  finish(callId: number): void;
  /** Resolves when the worker answers SERVING; rejects with an `AgentUnavailableError` otherwise. */
  checkHealth(timeoutMs: number): Promise<void>;
  describe(timeoutMs: number): Promise<DescribeResponse>;
  /** No new calls; the connection ends once the calls in flight are over (their answers still arrive). */
  close(): void;
}

export interface FrameClientOptions {
  /** The largest message the worker may send (the config's `maxMessageBytes`). Default: 64 MiB. */
  maxMessageBytes?: number;
}

// Room for a frame's header and the RUN frame's own fields beyond the message limit.
const FRAME_OVERHEAD_BYTES = 1024;

/** Connects to `address` (`unix:/abs/path`); calls made before the connection is up wait for it. */
export function createFrameClient(address: string, options: FrameClientOptions = {}): FrameClient {
  const maxFrameBytes = (options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) + FRAME_OVERHEAD_BYTES;
  const calls = new Map<number, FrameCallHandlers>();
  let nextId = 1;
  let lost: string | undefined;
  // Closed by the host: no new calls, but those in flight get their answers (a stopping worker
  // drains them), as a closed gRPC channel lets its calls finish.
  let closing = false;
  const endIfDone = () => {
    if (closing && calls.size === 0) socket.destroy();
  };
  const socket: Socket = connect(address.replace(/^unix:/, ""));

  const loseAll = (reason: string) => {
    if (lost !== undefined) return;
    lost = reason;
    const open = [...calls.values()];
    calls.clear();
    for (const call of open) call.onLost(reason);
  };
  const read = createFrameReader(
    maxFrameBytes,
    (kind, callId, payload) => calls.get(callId)?.onFrame(kind, payload),
    (length) => {
      loseAll(`the worker sent a frame of ${length} bytes, over the limit of ${maxFrameBytes}`);
      socket.destroy();
    },
  );
  socket.on("data", read);
  socket.on("error", (error) => loseAll(`connection lost: ${error.message}`));
  socket.on("close", () => loseAll("connection lost"));

  const open = (frame: (callId: number) => Buffer, handlers: FrameCallHandlers) => {
    let callId = nextId;
    while (calls.has(callId)) callId = callId >= 0xffff_ffff ? 1 : callId + 1;
    nextId = callId >= 0xffff_ffff ? 1 : callId + 1;
    if (lost !== undefined || closing) {
      const reason = lost ?? "the client was closed";
      queueMicrotask(() => handlers.onLost(reason));
      return callId;
    }
    calls.set(callId, handlers);
    socket.write(frame(callId));
    return callId;
  };

  /** A one-frame question (HEALTH, DESCRIBE) answered by one frame of `answer` kind within `timeoutMs`. */
  const ask = (kind: number, answer: number, what: string, timeoutMs: number) =>
    new Promise<Buffer>((resolve, reject) => {
      const fail = (reason: string) =>
        reject(
          new AgentUnavailableError({ message: `${what} of the worker at ${address} failed: ${reason}` }),
        );
      let callId = 0;
      const timer = setTimeout(() => {
        calls.delete(callId);
        endIfDone();
        fail(`no answer within ${timeoutMs} ms`);
      }, timeoutMs);
      callId = open((id) => controlFrame(kind, id), {
        onFrame(got, payload) {
          clearTimeout(timer);
          calls.delete(callId);
          endIfDone();
          if (got === answer) resolve(Buffer.from(payload));
          else fail(got === FrameKind.error ? decodeError(payload).message : `an answer of kind ${got}`);
        },
        onLost(reason) {
          clearTimeout(timer);
          fail(reason);
        },
      });
    });

  return {
    transport: "frames",
    address,
    open,
    signal(kind, callId) {
      if (lost === undefined && calls.has(callId)) socket.write(controlFrame(kind, callId));
    },
    finish(callId) {
      calls.delete(callId);
      endIfDone();
    },
    async checkHealth(timeoutMs) {
      const [status] = await ask(FrameKind.health, FrameKind.healthStatus, "the health check", timeoutMs);
      if (status !== HealthCheckResponse_ServingStatus.SERVING) {
        const answered = HealthCheckResponse_ServingStatus[status ?? 0] ?? status;
        throw new AgentUnavailableError({ message: `health check answered ${answered}` });
      }
    },
    async describe(timeoutMs) {
      return DescribeResponse.decode(
        await ask(FrameKind.describe, FrameKind.described, "Describe", timeoutMs),
      );
    },
    close() {
      closing = true;
      endIfDone();
    },
  };
}
