// A /v1/events subscriber that stops reading must not make the host keep everything logged
// since: once it falls MAX_PENDING_EVENTS behind it is disconnected, and what it held is freed.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveGateway } from "../../src/gateway/index.js";
import { MAX_PENDING_EVENTS } from "../../src/gateway/routes/events-route.js";
import type { Axon } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";

let axon: Axon;
/** The gateway's log listeners: the test speaks for a very chatty Python worker. */
const logListeners = new Set<(record: unknown) => void>();
let gateway: Awaited<ReturnType<typeof serveGateway>>;

beforeAll(async () => {
  axon = await startAxon({ echo: { module: "examples.agents.echo:agent" } });
  const chatty = {
    ...axon,
    on: (event: string, listener: (payload: unknown) => void) => {
      if (event === "log") logListeners.add(listener);
      else axon.on(event as never, listener as never);
      return chatty;
    },
    off: (event: string, listener: (payload: unknown) => void) => {
      if (event === "log") logListeners.delete(listener);
      else axon.off(event as never, listener as never);
      return chatty;
    },
  } as unknown as Axon;
  gateway = await serveGateway({ axon: chatty, port: 0 });
}, STARTUP_TIMEOUT_MS);
afterAll(async () => {
  await gateway?.close();
  await axon?.close();
});

/** Opens the feed on a raw socket that reads nothing until told to. */
function stalledSubscriber(): Socket {
  const { hostname, port } = new URL(gateway.url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.write(`GET /v1/events HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
  socket.pause();
  return socket;
}

function log(i: number) {
  const record = { level: "INFO", agent: "echo", message: `line ${i} ${"x".repeat(400)}`, time: Date.now() };
  for (const listener of logListeners) listener(record);
}

describe("a /v1/events subscriber that stops reading", () => {
  it(
    "is disconnected once it falls too far behind, instead of growing the host without bound",
    async () => {
      const sockets = Array.from({ length: 5 }, stalledSubscriber);
      await new Promise((resolve) => setTimeout(resolve, 300)); // subscribed
      // Far more than the socket buffers hold: ~40 MB per subscriber had it all been kept.
      for (let i = 0; i < 100_000; i++) {
        log(i);
        if (i % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const received = await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<number>((resolve) => {
              let bytes = 0;
              socket.on("data", (chunk) => (bytes += chunk.length));
              socket.on("close", () => resolve(bytes));
              socket.resume();
            }),
        ),
      );
      for (const bytes of received) {
        // What the kernel and the write path buffered plus the bound, not the 100k events.
        expect(bytes).toBeLessThan((MAX_PENDING_EVENTS + 20_000) * 500);
      }
    },
    STARTUP_TIMEOUT_MS,
  );

  it("leaves the feed working for a subscriber that reads", async () => {
    const response = await fetch(`${gateway.url}/v1/events`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("event: status");
    await reader.cancel();
  });
});
