// Without an SDK and without OTEL_* variables: nothing is exported by either process, yet a run
// still has one trace id, from the gateway's incoming `traceparent` to the worker's log records.
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelHttpError } from "../../src/errors/worker-errors.js";
import { RunResponse } from "../../src/gen/axon/v1/run.js";
import { type Axon, createGateway, type WorkerLogRecord } from "../../src/index.js";
import { createAgentPool } from "../../src/pool/agent-pool.js";
import { startRun } from "../../src/run/start-run.js";
import { createMemoryEndpoint } from "../helpers/memory-endpoint.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";

const INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
let axon: Axon;
const logs: WorkerLogRecord[] = [];
// The OTLP/HTTP default endpoint: an exporter switched on by mistake would send here.
const received: string[] = [];
const defaultCollector = createServer((req, res) => {
  received.push(req.url ?? "");
  res.end();
});
let listening = false;

beforeAll(async () => {
  for (const name of Object.keys(process.env)) if (name.startsWith("OTEL_")) delete process.env[name];
  listening = await new Promise<boolean>((resolve) => {
    defaultCollector.once("error", () => resolve(false));
    defaultCollector.listen(4318, "127.0.0.1", () => resolve(true));
  });
  axon = await startAxon({ tools: { module: "examples.agents.tools:agent" } });
  axon.on("log", (record) => logs.push(record));
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
  if (listening) await new Promise((resolve) => defaultCollector.close(resolve));
});

describe("tracing off (no SDK, no OTEL_* variables)", () => {
  it("carries the gateway's incoming traceparent to the worker and exports nothing", async () => {
    const gateway = createGateway({ axon });
    const response = await gateway.app.fetch(
      new Request("http://axon.test/v1/agents/tools/run", {
        method: "POST",
        headers: { "content-type": "application/json", traceparent: INCOMING },
        body: JSON.stringify({ prompt: "add 2 and 3", runId: "off-1" }),
      }),
    );
    gateway.close();
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Axon-Trace-Id")).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    const body = (await response.json()) as { traceId: string; traceparent: string };
    expect(body.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    await expect
      .poll(() => logs.find((r) => r.runId === "off-1" && r.logger === "examples.agents.tools")?.traceparent)
      .toBe(INCOMING);
    // Time for a batch exporter to have sent something, were one on.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(received).toEqual([]);
  });

  it("sends one trace id on every attempt of a retried run", async () => {
    let calls = 0;
    const endpoint = createMemoryEndpoint("m-0", {
      answer: () => {
        calls += 1;
        if (calls === 1) throw new ModelHttpError({ message: "429", retryable: true, statusCode: 429 });
        return RunResponse.fromPartial({ outputJson: Buffer.from('"ok"') });
      },
    });
    const pool = createAgentPool({ agent: "m" });
    pool.add({ id: "m-0", endpoint });
    const result = await startRun({
      pool,
      agent: "m",
      prompt: "hi",
      options: { retry: { attempts: 2, backoffMs: 0 } },
    }).result;
    const sent = endpoint.calls.map((call) => String(call.metadata.get("traceparent")[0]));
    expect(sent).toHaveLength(2);
    expect(new Set(sent).size).toBe(1);
    expect(sent[0]).toMatch(new RegExp(`^00-${result.traceId}-[\\da-f]{16}-01$`));
  });
});
