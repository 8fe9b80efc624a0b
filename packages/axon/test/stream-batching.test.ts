// Streams coalesce (protocol 2): events ready at once cross in one RunEvent `batch`. The host
// unpacks them in order, holds the rest of a batch while the consumer is behind, and settles the
// run only after every event was delivered.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Metadata, Server, ServerCredentials, type ServerWritableStream } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentServiceService } from "../src/gen/axon/v1/agent_service.js";
import { RunEvent as ProtoRunEvent, RunRequest as Req, type RunRequest } from "../src/gen/axon/v1/run.js";
import type { RunEvent } from "../src/index.js";
import { createGrpcEndpoint } from "../src/transport/grpc-endpoint.js";
import { createWorkerClient } from "../src/transport/worker-client.js";
import { repoRoot, SLOW_START_MS, STARTUP_TIMEOUT_MS } from "./helpers/start-axon.js";

const scratch = mkdtempSync(join(tmpdir(), "axon-batching-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const text = (t: string): ProtoRunEvent => ({ event: { $case: "textDelta", value: { text: t } } });
const batch = (...events: ProtoRunEvent[]): ProtoRunEvent => ({
  event: { $case: "batch", value: { events } },
});
const final: ProtoRunEvent = ProtoRunEvent.fromPartial({
  event: { $case: "final", value: { outputJson: Buffer.from('"abcdef"'), runId: "r1" } },
});

const call = (prompt: string, onEvent: (event: RunEvent) => undefined | Promise<void>) => ({
  agent: "echo",
  runId: "r1",
  request: Req.fromPartial({ agent: "echo", prompt }),
  metadata: new Metadata(),
  signal: new AbortController().signal,
  deadline: Date.now() + 30_000,
  onEvent,
});

const texts = (events: RunEvent[]) => events.map((e) => (e.type === "text-delta" ? e.text : e.type));

describe("a stream whose worker sends batches", () => {
  let server: Server;
  const address = `unix:${join(scratch, "fake.sock")}`;
  beforeAll(async () => {
    server = new Server();
    server.addService(AgentServiceService, {
      run: () => {},
      describe: () => {},
      runStream: (stream: ServerWritableStream<RunRequest, ProtoRunEvent>) => {
        for (const message of [
          text("a"),
          batch(text("b"), text("c"), text("d")),
          text("e"),
          batch(text("f"), final),
        ])
          stream.write(message);
        stream.end();
      },
    });
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())),
    );
  });
  afterAll(() => server.forceShutdown());

  it("delivers every event of every batch in order, then the final response", async () => {
    const endpoint = createGrpcEndpoint({ id: "fake", client: createWorkerClient(address) });
    const seen: RunEvent[] = [];
    const response = await endpoint.call(call("x", (e) => void seen.push(e)));
    expect(texts(seen)).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(response.runId).toBe("r1");
    endpoint.close();
  });

  it("holds the rest of a batch while a slow consumer is behind, and settles only after the last event", async () => {
    const endpoint = createGrpcEndpoint({ id: "fake", client: createWorkerClient(address) });
    const seen: string[] = [];
    let busy = false;
    const response = await endpoint.call(
      call("x", (e) => {
        expect(busy).toBe(false); // never handed an event while the previous one is pending
        seen.push(e.type === "text-delta" ? e.text : e.type);
        busy = true;
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            busy = false;
            resolve();
          }, 15),
        );
      }),
    );
    expect(seen).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(busy).toBe(false);
    expect(response.runId).toBe("r1");
    endpoint.close();
  });
});

describe("a stream of the real worker", () => {
  let worker: ChildProcess;
  const address = `unix:${join(scratch, "worker.sock")}`;
  beforeAll(async () => {
    worker = spawn(
      join(repoRoot, "python/.venv/bin/python"),
      ["-m", "axon_worker", "--agent", "echo=examples.agents.echo:agent", "--listen", address],
      { cwd: repoRoot, env: { ...process.env, PYTHONUNBUFFERED: "1" }, stdio: ["pipe", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the worker did not start")), SLOW_START_MS);
      worker.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes('"type": "ready"') || chunk.toString().includes('"type":"ready"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => {
    worker?.stdin?.end();
  });

  const prompt = Array.from({ length: 300 }, (_, i) => `w${i}`).join(" ");

  it("arrives in fewer messages than events when the agent is fast", async () => {
    const client = createWorkerClient(address);
    let messages = 0;
    let events = 0;
    await new Promise<void>((resolve, reject) => {
      const stream = client.agentService.runStream(Req.fromPartial({ agent: "echo", prompt }));
      stream.on("data", (message: ProtoRunEvent) => {
        messages += 1;
        events += message.event?.$case === "batch" ? message.event.value.events.length : 1;
      });
      stream.on("error", reject);
      stream.on("end", resolve);
    });
    expect(events).toBe(301);
    expect(messages).toBeLessThan(events);
    client.close();
  });

  it("reaches the consumer in order, a slow consumer included", async () => {
    const endpoint = createGrpcEndpoint({ id: "echo-0", client: createWorkerClient(address) });
    const fast: string[] = [];
    await endpoint.call(call(prompt, (e) => void fast.push(e.type === "text-delta" ? e.text : e.type)));
    expect(fast.join("")).toBe(prompt);
    const slow: string[] = [];
    let n = 0;
    await endpoint.call(
      call(prompt, (e) => {
        slow.push(e.type === "text-delta" ? e.text : e.type);
        return n++ % 50 === 0 ? new Promise<void>((resolve) => setTimeout(resolve, 5)) : undefined;
      }),
    );
    expect(slow.join("")).toBe(prompt);
    endpoint.close();
  });
});
