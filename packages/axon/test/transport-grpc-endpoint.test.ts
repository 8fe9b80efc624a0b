// The gRPC endpoint, the one kind of pool member for local and remote workers: its failures are
// AxonErrors, and a remote endpoint's lost connection costs no wait for a process exit.
import { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { RunRequest } from "../src/gen/axon/v1/run.js";
import { createGrpcEndpoint } from "../src/transport/grpc-endpoint.js";
import { createWorkerClient } from "../src/transport/worker-client.js";
import { failure } from "./helpers/failure.js";

// Nothing listens on port 9 of loopback (discard): every call fails as a lost connection does.
const nowhere = "127.0.0.1:9";
const call = () => ({
  agent: "a",
  runId: "r1",
  request: RunRequest.fromPartial({ agent: "a", prompt: "hi" }),
  metadata: new Metadata(),
  signal: new AbortController().signal,
  deadline: Date.now() + 5000,
});

describe("a gRPC endpoint whose worker cannot be reached", () => {
  it("fails a remote run at once as worker_crashed (retryable), without waiting for an exit", async () => {
    const endpoint = createGrpcEndpoint({ id: "a@nowhere", client: createWorkerClient(nowhere) });
    const started = performance.now();
    const error = await failure(endpoint.call(call()));
    expect(error).toMatchObject({ code: "worker_crashed", retryable: true, agent: "a", runId: "r1" });
    expect(error.message).toContain("connection lost");
    expect(performance.now() - started).toBeLessThan(900);
    endpoint.close();
  });

  it("lets a local run's error carry the process exit it waited for", async () => {
    const gone = Promise.resolve({ exitCode: null, signal: "SIGKILL" as const });
    const endpoint = createGrpcEndpoint({
      id: "a-0",
      client: createWorkerClient(nowhere),
      kind: "local",
      gone,
    });
    const error = await failure(endpoint.call(call()));
    expect(error).toMatchObject({ code: "worker_crashed", signal: "SIGKILL" });
    expect(error.message).toContain("killed by SIGKILL");
    endpoint.close();
  });

  it("fails its health check with an AxonError naming it", async () => {
    const endpoint = createGrpcEndpoint({ id: "a@nowhere", client: createWorkerClient(nowhere) });
    const error = await failure(endpoint.checkHealth(500));
    expect(error.code).toBe("agent_unavailable");
    expect(error.message).toContain("a@nowhere");
    endpoint.close();
  });
});
