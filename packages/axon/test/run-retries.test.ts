// Retries of a run over in-memory workers: capped by the config's `maxRetryAttempts`, and a run
// that crashed its worker is retried once at most (the crash barrier of docs/errors.md).
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import type { AgentServiceClient } from "../src/gen/axon/v1/agent_service.js";
import { ErrorDetail, ErrorKind } from "../src/gen/axon/v1/errors.js";
import { isAxonError } from "../src/index.js";
import { createAgentPool } from "../src/pool/agent-pool.js";
import { startRun } from "../src/run/start-run.js";
import type { ExitInfo } from "../src/worker/worker-process.js";

/** A worker whose every call fails with `error`. */
function failingWorker(id: string, error: () => ServiceError) {
  const worker = { id, calls: 0 };
  const client = {
    run(_request: unknown, _metadata: unknown, _options: unknown, callback: (e: ServiceError) => void) {
      worker.calls += 1;
      setImmediate(() => callback(error()));
      return { cancel() {} };
    },
  } as unknown as AgentServiceClient;
  const member = { id, client, gone: new Promise<ExitInfo>(() => {}) };
  return { worker, member };
}

const serviceError = (code: status, metadata = new Metadata()): ServiceError =>
  Object.assign(new Error("failed"), { code, details: "failed", metadata });

// A provider's 429 as a worker reports it: retryable, with its ErrorDetail.
const rateLimited = () => {
  const metadata = new Metadata();
  const detail = { kind: ErrorKind.ERROR_KIND_MODEL_HTTP_ERROR, message: "429", retryable: true };
  metadata.set("axon-error-bin", Buffer.from(ErrorDetail.encode(ErrorDetail.fromPartial(detail)).finish()));
  return serviceError(status.RESOURCE_EXHAUSTED, metadata);
};

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAxonError(error)) throw new Error(`expected an AxonError, got ${String(error)}`);
  return error;
}

describe("retries of a run", () => {
  it("are capped by maxRetryAttempts whatever retry.attempts asks", async () => {
    const pool = createAgentPool({ agent: "a" });
    const { worker, member } = failingWorker("a-0", rateLimited);
    pool.add(member);
    const run = startRun({
      pool,
      agent: "a",
      prompt: "hi",
      options: { retry: { attempts: 100, backoffMs: 0 } },
      maxRetryAttempts: 3,
    });
    expect(await failure(run.result)).toMatchObject({ code: "model_http_error", retryable: true });
    expect(worker.calls).toBe(3);
  });

  it("stop at the second crash of a run's worker, with crashBarrier and not retryable", async () => {
    const pool = createAgentPool({ agent: "a" });
    // A dropped connection (UNAVAILABLE without a detail) is a crash; these processes never exit,
    // so each crash costs the wait for an exit (1 s) and stays in the pool to be picked again.
    const workers = ["a-0", "a-1", "a-2"].map((id) =>
      failingWorker(id, () => serviceError(status.UNAVAILABLE)),
    );
    for (const { member } of workers) pool.add(member);
    const run = startRun({
      pool,
      agent: "a",
      prompt: "crash",
      options: { retry: { attempts: 100, backoffMs: 0 } },
    });
    const error = await failure(run.result);
    expect(error).toMatchObject({ code: "worker_crashed", retryable: false, crashBarrier: true });
    expect(error.message).toContain("crash barrier");
    expect(workers.reduce((sum, { worker }) => sum + worker.calls, 0)).toBe(2);
    expect(error.toJSON()).toMatchObject({ crashBarrier: true });
  });
});
