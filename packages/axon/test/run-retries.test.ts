// Retries of a run over in-memory workers: capped by the config's `maxRetryAttempts`, and a run
// that crashed its worker is retried once at most (the crash barrier of docs/errors.md).
import { describe, expect, it } from "vitest";
import type { AxonError } from "../src/errors/axon-error.js";
import { WorkerCrashedError } from "../src/errors/host-errors.js";
import { ModelHttpError } from "../src/errors/worker-errors.js";
import { createAgentPool } from "../src/pool/agent-pool.js";
import { startRun } from "../src/run/start-run.js";
import { failure } from "./helpers/failure.js";
import { createMemoryEndpoint } from "./helpers/memory-endpoint.js";

/** A worker whose every call fails with `error`, as its endpoint reports it. */
function failingWorker(id: string, error: () => AxonError) {
  const worker = { id, calls: 0 };
  const endpoint = createMemoryEndpoint(id, {
    answer: () => {
      worker.calls += 1;
      throw error();
    },
  });
  return { worker, member: { id, endpoint } };
}

// A provider's 429 as a worker reports it: retryable.
const rateLimited = () => new ModelHttpError({ message: "429", retryable: true, statusCode: 429 });

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
    // These workers never exit, so each stays in the pool to be picked again after its crash.
    const workers = ["a-0", "a-1", "a-2"].map((id) =>
      failingWorker(id, () => new WorkerCrashedError({ message: `the worker ${id} crashed`, agent: "a" })),
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
