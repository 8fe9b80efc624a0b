// The host side of local frames (docs/worker-protocol.md, "Local frames") against a stand-in
// worker written here, so each wire case can be produced exactly: frames cut anywhere, errors
// with and without a detail, a slow consumer's pause and resume, a cancel, a deadline, a crash.
// The real worker speaks frames in every other test (it is the default local transport).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Metadata, status } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAxonError } from "../src/errors/axon-error.js";
import { ErrorDetail, ErrorKind } from "../src/gen/axon/v1/errors.js";
import { RunEvent as ProtoRunEvent, RunRequest, RunResponse } from "../src/gen/axon/v1/run.js";
import type { RunEvent } from "../src/index.js";
import { createFrameClient } from "../src/transport/frame-client.js";
import { createFrameReader, FrameKind } from "../src/transport/frame-codec.js";
import { createFrameEndpoint } from "../src/transport/frame-endpoint.js";
import type { EndpointExit } from "../src/transport/worker-endpoint.js";

const scratch = mkdtempSync(join(tmpdir(), "axon-frames-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A frame as the worker writes it. */
const frame = (kind: number, callId: number, payload: Uint8Array = new Uint8Array()) => {
  const out = Buffer.alloc(9 + payload.length);
  out.writeUInt32BE(5 + payload.length, 0);
  out.writeUInt8(kind, 4);
  out.writeUInt32BE(callId, 5);
  out.set(payload, 9);
  return out;
};
const errorPayload = (code: number, message: string, detail?: ErrorDetail) => {
  const text = Buffer.from(message);
  const head = Buffer.alloc(5);
  head.writeUInt8(code, 0);
  head.writeUInt32BE(text.length, 1);
  return Buffer.concat([
    head,
    text,
    detail ? Buffer.from(ErrorDetail.encode(detail).finish()) : Buffer.alloc(0),
  ]);
};
const event = (text: string) =>
  ProtoRunEvent.encode({ event: { $case: "textDelta", value: { text } } }).finish();
const finalEvent = ProtoRunEvent.encode(
  ProtoRunEvent.fromPartial({
    event: { $case: "final", value: { outputJson: Buffer.from('"done"'), runId: "r1" } },
  }),
).finish();

interface Received {
  kind: number;
  callId: number;
  timeoutMs?: number;
  traceparent?: string;
  request?: RunRequest;
}

/** The stand-in worker: records every frame; `answer` says what to write back. */
function standIn(answer: (got: Received, socket: Socket) => void) {
  const path = join(scratch, `w${Math.random().toString(36).slice(2)}.frames`);
  const received: Received[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on(
      "data",
      createFrameReader(
        1 << 20,
        (kind, callId, payload) => {
          const got: Received = { kind, callId };
          if (kind === FrameKind.run || kind === FrameKind.stream) {
            got.timeoutMs = payload.readUInt32BE(0);
            const n = payload.readUInt8(4);
            got.traceparent = payload.toString("latin1", 5, 5 + n);
            got.request = RunRequest.decode(payload.subarray(5 + n));
          }
          received.push(got);
          answer(got, socket);
        },
        () => socket.destroy(),
      ),
    );
  });
  const listening = new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    address: `unix:${path}`,
    received,
    listening,
    crash: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const runCall = (overrides: Partial<Parameters<ReturnType<typeof createFrameEndpoint>["call"]>[0]> = {}) => {
  const metadata = new Metadata();
  metadata.set("traceparent", "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01");
  return {
    agent: "echo",
    runId: "r1",
    request: RunRequest.fromPartial({ agent: "echo", prompt: "hi" }),
    metadata,
    signal: new AbortController().signal,
    ...overrides,
  };
};

describe("the frames reader", () => {
  it("yields the same frames however the bytes are cut", () => {
    const bytes = Buffer.concat([
      frame(FrameKind.event, 1, event("a")),
      frame(FrameKind.end, 1),
      frame(7, 2),
    ]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const seen: string[] = [];
      const read = createFrameReader(
        1024,
        (kind, id, payload) => seen.push(`${kind}:${id}:${payload.length}`),
        () => {
          throw new Error("not oversized");
        },
      );
      read(bytes.subarray(0, cut));
      read(bytes.subarray(cut));
      expect(seen).toEqual([`${FrameKind.event}:1:${event("a").length}`, `${FrameKind.end}:1:0`, "7:2:0"]);
    }
  });

  it("stops at a frame announcing more than its limit", () => {
    const oversized: number[] = [];
    const seen: number[] = [];
    const read = createFrameReader(
      16,
      (kind) => seen.push(kind),
      (length) => oversized.push(length),
    );
    read(Buffer.concat([frame(1, 1, Buffer.alloc(100)), frame(2, 2)]));
    read(frame(3, 3));
    expect(oversized).toEqual([105]);
    expect(seen).toEqual([]);
  });
});

describe("a run over frames", () => {
  let worker: ReturnType<typeof standIn>;
  let exit: (value: EndpointExit) => void;
  let endpoint: ReturnType<typeof createFrameEndpoint>;
  const open = async (answer: (got: Received, socket: Socket) => void) => {
    worker = standIn(answer);
    await worker.listening;
    const gone = new Promise<EndpointExit>((resolve) => {
      exit = resolve;
    });
    endpoint = createFrameEndpoint({ id: "echo-0", client: createFrameClient(worker.address), gone });
  };
  beforeEach(() => {
    exit = () => {};
  });
  afterEach(async () => {
    endpoint.close();
    await worker.close();
  });

  it("sends the request with its trace context and timeout, and returns the response", async () => {
    await open((got, socket) => {
      if (got.kind === FrameKind.run)
        socket.write(
          frame(
            FrameKind.response,
            got.callId,
            RunResponse.encode({ ...RunResponse.fromPartial({}), runId: "r1" }).finish(),
          ),
        );
    });
    const response = await endpoint.call(runCall({ deadline: Date.now() + 5000, timeoutMs: 5000 }));
    expect(response.runId).toBe("r1");
    const [sent] = worker.received;
    expect(sent?.request?.prompt).toBe("hi");
    expect(sent?.traceparent).toBe("00-0123456789abcdef0123456789abcdef-0123456789abcdef-01");
    expect(sent?.timeoutMs).toBeGreaterThan(4000);
    expect(sent?.timeoutMs).toBeLessThanOrEqual(5000);
  });

  it("maps an error with a detail to its kind, as over gRPC", async () => {
    await open((got, socket) => {
      const detail = ErrorDetail.fromPartial({
        kind: ErrorKind.ERROR_KIND_USER_ERROR,
        message: "bad tool",
        retryable: false,
      });
      socket.write(
        frame(FrameKind.error, got.callId, errorPayload(status.INVALID_ARGUMENT, "bad tool", detail)),
      );
    });
    const error = await endpoint.call(runCall()).catch((e: unknown) => e);
    expect(isAxonError(error) && error.code).toBe("user_error");
    expect((error as Error).message).toContain("bad tool");
  });

  it("reads a bare RESOURCE_EXHAUSTED as a message over the limit, not an overload", async () => {
    await open((got, socket) =>
      socket.write(frame(FrameKind.error, got.callId, errorPayload(status.RESOURCE_EXHAUSTED, "too big"))),
    );
    const error = await endpoint.call(runCall()).catch((e: unknown) => e);
    expect(isAxonError(error) && error.code).toBe("invalid_request");
    expect((error as Error).message).toContain("maxMessageBytes");
  });

  it("delivers a stream's events and batches in order, then the final response", async () => {
    await open((got, socket) => {
      if (got.kind !== FrameKind.stream) return;
      const batch = ProtoRunEvent.encode({
        event: {
          $case: "batch",
          value: { events: [ProtoRunEvent.decode(event("b")), ProtoRunEvent.decode(event("c"))] },
        },
      }).finish();
      // One write: the frames arrive together, as they do from a busy worker.
      socket.write(
        Buffer.concat([
          frame(FrameKind.event, got.callId, event("a")),
          frame(FrameKind.event, got.callId, batch),
          frame(FrameKind.event, got.callId, finalEvent),
          frame(FrameKind.end, got.callId),
        ]),
      );
    });
    const seen: string[] = [];
    const response = await endpoint.call(
      runCall({ onEvent: (e: RunEvent) => void seen.push(e.type === "text-delta" ? e.text : e.type) }),
    );
    expect(seen).toEqual(["a", "b", "c"]);
    expect(response.runId).toBe("r1");
  });

  it("pauses the call while its consumer is behind and resumes it after", async () => {
    await open((got, socket) => {
      if (got.kind === FrameKind.stream) socket.write(frame(FrameKind.event, got.callId, event("a")));
      if (got.kind === FrameKind.resume)
        socket.write(
          Buffer.concat([frame(FrameKind.event, got.callId, finalEvent), frame(FrameKind.end, got.callId)]),
        );
    });
    let release = () => {};
    const behind = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = endpoint.call(runCall({ onEvent: () => behind }));
    await expect.poll(() => worker.received.map((r) => r.kind)).toEqual([FrameKind.stream, FrameKind.pause]);
    release();
    await running;
    expect(worker.received.map((r) => r.kind)).toEqual([FrameKind.stream, FrameKind.pause, FrameKind.resume]);
  });

  it("sends CANCEL when the caller aborts, and fails with the caller's reason", async () => {
    await open(() => {});
    const controller = new AbortController();
    const running = endpoint.call(runCall({ signal: controller.signal }));
    await expect.poll(() => worker.received.length).toBe(1);
    controller.abort();
    const error = await running.catch((e: unknown) => e);
    expect(isAxonError(error) && error.code).toBe("cancelled");
    await expect.poll(() => worker.received.map((r) => r.kind)).toEqual([FrameKind.run, FrameKind.cancel]);
  });

  it("stops waiting at the deadline, tells the worker, and fails with a timeout", async () => {
    await open(() => {});
    const error = await endpoint
      .call(runCall({ deadline: Date.now() + 100, timeoutMs: 100 }))
      .catch((e: unknown) => e);
    expect(isAxonError(error) && error.code).toBe("timeout");
    expect((error as Error).message).toContain("100 ms");
    await expect.poll(() => worker.received.map((r) => r.kind)).toEqual([FrameKind.run, FrameKind.cancel]);
  });

  it("reports a lost connection as the worker's crash, with its exit", async () => {
    await open(() => {
      exit({ exitCode: null, signal: "SIGKILL" });
      worker.crash();
    });
    const error = await endpoint.call(runCall()).catch((e: unknown) => e);
    expect(isAxonError(error) && error.code).toBe("worker_crashed");
    expect((error as Error).message).toBe("the worker echo-0 serving the run crashed (killed by SIGKILL)");
  });

  it("lets the calls in flight finish after close, and refuses new ones", async () => {
    let answer = () => {};
    await open((got, socket) => {
      answer = () =>
        socket.write(
          frame(
            FrameKind.response,
            got.callId,
            RunResponse.encode(RunResponse.fromPartial({ runId: "r1" })).finish(),
          ),
        );
    });
    const running = endpoint.call(runCall());
    await expect.poll(() => worker.received.length).toBe(1);
    endpoint.close();
    const refused = await endpoint.call(runCall()).catch((e: unknown) => e);
    expect(isAxonError(refused) && refused.code).toBe("worker_crashed");
    answer();
    expect((await running).runId).toBe("r1");
  });

  it("answers health and Describe over the same connection", async () => {
    await open((got, socket) => {
      if (got.kind === FrameKind.health)
        socket.write(frame(FrameKind.healthStatus, got.callId, Buffer.from([2])));
    });
    await expect(endpoint.checkHealth(1000)).rejects.toThrow("health check answered NOT_SERVING");
  });
});
