/**
 * The local frames of docs/worker-protocol.md ("Local frames"): the same protobuf messages as
 * gRPC, each in a length-prefixed frame on a Unix socket the worker reads on its event loop.
 *
 *     u32 length (of what follows) | u8 kind | u32 call id | payload
 */

/** Host → worker. */
export const FrameKind = {
  run: 0x01,
  stream: 0x02,
  cancel: 0x03,
  pause: 0x04,
  resume: 0x05,
  describe: 0x06,
  health: 0x07,
  /** Worker → host from here on. */
  response: 0x11,
  event: 0x12,
  end: 0x13,
  error: 0x14,
  described: 0x15,
  healthStatus: 0x16,
} as const;

const HEADER_BYTES = 9; // u32 length + u8 kind + u32 call id

/** A frame without payload (cancel, pause, resume, describe, health). */
export function controlFrame(kind: number, callId: number): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES);
  frame.writeUInt32BE(HEADER_BYTES - 4, 0);
  frame.writeUInt8(kind, 4);
  frame.writeUInt32BE(callId, 5);
  return frame;
}

/**
 * A RUN or STREAM frame: the deadline's remaining ms (0: none), the trace context, the
 * encoded `RunRequest`. `traceparent` is W3C ASCII (55 bytes); one over the field's 255 is dropped.
 */
export function runFrame(
  kind: number,
  callId: number,
  timeoutMs: number,
  traceparent: string | undefined,
  request: Uint8Array,
): Buffer {
  const trace = traceparent && traceparent.length <= 255 ? Buffer.from(traceparent, "latin1") : undefined;
  const traceBytes = trace?.length ?? 0;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + 5 + traceBytes + request.length);
  frame.writeUInt32BE(frame.length - 4, 0);
  frame.writeUInt8(kind, 4);
  frame.writeUInt32BE(callId, 5);
  frame.writeUInt32BE(Math.min(Math.max(0, Math.ceil(timeoutMs)), 0xffff_ffff), 9);
  frame.writeUInt8(traceBytes, 13);
  trace?.copy(frame, 14);
  frame.set(request, 14 + traceBytes);
  return frame;
}

/** An ERROR frame's payload: the gRPC status, its message and the `ErrorDetail` (maybe empty). */
export interface FrameError {
  code: number;
  message: string;
  detail: Buffer;
}

export function decodeError(payload: Buffer): FrameError {
  if (payload.length < 5) return { code: 13, message: "a malformed error frame", detail: Buffer.alloc(0) };
  const length = payload.readUInt32BE(1);
  return {
    code: payload.readUInt8(0),
    message: payload.toString("utf8", 5, 5 + length),
    detail: payload.subarray(5 + length),
  };
}

/**
 * Cuts a byte stream into frames: `onFrame(kind, callId, payload)` for each whole one, in order.
 * The payload is a view into the received bytes (decode it during the call). A frame announcing
 * more than `maxFrameBytes` calls `onOversize` and stops reading.
 */
export function createFrameReader(
  maxFrameBytes: number,
  onFrame: (kind: number, callId: number, payload: Buffer) => void,
  onOversize: (length: number) => void,
) {
  // Chunks of an incomplete frame are joined once it is whole, not on every chunk: a large
  // message arrives in many 64 KiB reads.
  let chunks: Buffer[] = [];
  let buffered = 0;
  let needed = 0; // bytes of the incomplete frame, prefix included, once its prefix is known
  let broken = false;
  return (chunk: Buffer) => {
    if (broken) return;
    chunks.push(chunk);
    buffered += chunk.length;
    if (buffered < Math.max(needed, 4)) return;
    const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, buffered);
    let at = 0;
    needed = 0;
    while (data.length - at >= 4) {
      const length = data.readUInt32BE(at);
      if (length > maxFrameBytes || length < HEADER_BYTES - 4) {
        broken = true;
        chunks = [];
        onOversize(length);
        return;
      }
      if (data.length - at - 4 < length) {
        needed = 4 + length;
        break;
      }
      const end = at + 4 + length;
      onFrame(data.readUInt8(at + 4), data.readUInt32BE(at + 5), data.subarray(at + HEADER_BYTES, end));
      at = end;
    }
    chunks = at < data.length ? [data.subarray(at)] : [];
    buffered = data.length - at;
  };
}
