// One trace from the caller to the model and back, exported by the real OTLP/HTTP exporters of
// both processes to a real endpoint (docs/observability.md).
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Axon, tool } from "../../src/index.js";
import { type OtelHandle, startOtel } from "../../src/telemetry/start-otel.js";
import { repoRoot, STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { type CollectedSpan, type OtlpCollector, startCollector } from "./otlp-collector.js";

const fixtures = fileURLToPath(new URL("../fixtures", import.meta.url));
const SECRET = "the-secret-prompt-xyzzy";

let collector: OtlpCollector;
let otel: OtelHandle;
let axon: Axon;

const lookupOrder = tool({
  description: "Look an order up by its id",
  inputSchema: z.object({ id: z.string() }),
  execute: async ({ id }) => ({ id, status: "shipped" }),
});
const refund = tool({
  description: "Refund an order in full",
  inputSchema: z.object({ id: z.string() }),
  needsApproval: true,
  execute: async ({ id }) => ({ id, refunded: 99.5 }),
});

beforeAll(async () => {
  collector = await startCollector();
  // The standard variables, read by the Node exporters here and inherited by the workers.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
  process.env.OTEL_BSP_SCHEDULE_DELAY = "100";
  process.env.OTEL_METRIC_EXPORT_INTERVAL = "500";
  otel = await startOtel({ serviceName: "axon-test-host" });
  axon = await startAxon(
    {
      traced: { module: "traced:agent", tools: { lookupOrder } },
      orders: { module: "examples.agents.orders:agent", tools: { refund } },
    },
    { python: { cwd: repoRoot, env: { PYTHONPATH: fixtures } } },
  );
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
  await otel?.shutdown();
  await collector?.close();
  for (const name of [
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_BSP_SCHEDULE_DELAY",
    "OTEL_METRIC_EXPORT_INTERVAL",
  ])
    delete process.env[name];
});

const inTrace = (spans: CollectedSpan[], traceId: string) => spans.filter((s) => s.traceId === traceId);
const named = (spans: CollectedSpan[], name: string) => spans.filter((s) => s.name === name);

describe("a run traced with OpenTelemetry on both sides", () => {
  it("yields one trace whose spans come from the host and the worker, with correct parents", async () => {
    const result = await axon.run("traced", SECRET);
    expect(result.output).toBe("order 42 is shipped; 2 + 3 = 5");
    const traceId = result.traceId ?? "";
    expect(traceId).toMatch(/^[\da-f]{32}$/);
    await otel.flush();
    // Two round trips (the host tool in between), each a pydantic-ai run in the worker.
    const spans = await collector.waitFor(
      (all) =>
        inTrace(all, traceId).filter((s) => s.service === "axon-worker" && s.name.includes("add")).length >=
          1 &&
        inTrace(all, traceId).filter(
          (s) => s.service === "axon-worker" && s.attributes["gen_ai.operation.name"] === "invoke_agent",
        ).length >= 2,
    );
    const trace = inTrace(spans, traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const [run] = named(trace, "axon.run traced");
    expect(run).toMatchObject({ service: "axon-test-host", parentSpanId: "" });
    expect(run?.attributes).toMatchObject({
      "gen_ai.agent.name": "traced",
      "axon.run_id": result.runId,
      "axon.outcome": "ok",
      "axon.round_trips": 2,
    });
    const trips = named(trace, "axon.round_trip");
    expect(trips.map((t) => t.attributes["axon.round_trip"]).sort()).toEqual([1, 2]);
    for (const trip of trips) {
      expect(trip.parentSpanId).toBe(run?.spanId);
      expect(trip.attributes).toMatchObject({
        "axon.attempt": 1,
        "axon.instance": "traced-0",
        "rpc.method": "Run",
      });
      expect(typeof trip.attributes["axon.queue_wait_ms"]).toBe("number");
    }
    const [hostTool] = named(trace, "execute_tool lookupOrder").filter((s) => s.service === "axon-test-host");
    expect(hostTool?.parentSpanId).toBe(run?.spanId);
    expect(hostTool?.attributes).toMatchObject({
      "gen_ai.tool.name": "lookupOrder",
      "axon.tool.outcome": "ok",
    });

    // Each of the worker's agent runs hangs below the round trip that carried it.
    const agentRuns = trace.filter(
      (s) => s.service === "axon-worker" && s.attributes["gen_ai.operation.name"] === "invoke_agent",
    );
    expect(agentRuns.map((s) => byId.get(s.parentSpanId)?.name)).toEqual([
      "axon.round_trip",
      "axon.round_trip",
    ]);
    // The Python tool's span descends from the first round trip.
    const pythonTool = trace.find(
      (s) => s.service === "axon-worker" && s.attributes["gen_ai.tool.name"] === "add",
    );
    const ancestors = (span: CollectedSpan | undefined): string[] =>
      span ? [span.spanId, ...ancestors(byId.get(span.parentSpanId))] : [];
    const firstTrip = trips.find((t) => t.attributes["axon.round_trip"] === 1);
    expect(ancestors(pythonTool)).toContain(firstTrip?.spanId);
    expect(ancestors(pythonTool)).toContain(run?.spanId);

    // Content capture is off by default: the prompt is nowhere in the spans of either side.
    expect(JSON.stringify(trace)).not.toContain(SECRET);
  });

  it("keeps an approval continuation in the trace of the run it continues, with a link", async () => {
    const paused = await axon.run("orders", "refund 42");
    const toolCallId = paused.pendingApprovals?.[0]?.toolCallId ?? "";
    expect(toolCallId).not.toBe("");
    const resumed = await axon.run("orders", "", {
      messageHistory: paused.allMessages,
      approvals: { [toolCallId]: true },
      metadata: { traceparent: paused.traceparent },
    });
    expect(resumed.traceId).toBe(paused.traceId);
    await otel.flush();
    const traceId = paused.traceId ?? "";
    const spans = await collector.waitFor(
      (all) => named(inTrace(all, traceId), "axon.run orders").length === 2,
    );
    const [first, second] = named(inTrace(spans, traceId), "axon.run orders").sort(
      (a, b) =>
        Number(Boolean(a.attributes["axon.continuation"])) -
        Number(Boolean(b.attributes["axon.continuation"])),
    );
    expect(first?.attributes["axon.outcome"]).toBe("paused");
    expect(second?.attributes).toMatchObject({ "axon.continuation": true, "axon.outcome": "ok" });
    expect(second?.parentSpanId).toBe(first?.spanId);
    expect(second?.links).toEqual([{ traceId, spanId: first?.spanId }]);
    const [approved] = named(inTrace(spans, traceId), "execute_tool refund").filter(
      (s) => s.service === "axon-test-host",
    );
    expect(approved?.attributes).toMatchObject({
      "axon.tool.approval": "approved",
      "axon.tool.outcome": "ok",
    });
  });

  it("exports the latency metrics from the host and pydantic-ai's token usage from the worker", async () => {
    await otel.flush();
    const until = Date.now() + 20_000;
    let names: string[] = [];
    while (Date.now() < until) {
      names = collector.metricNames();
      if (names.includes("axon.run.queue_wait") && names.includes("gen_ai.client.token.usage")) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(names).toEqual(
      expect.arrayContaining(["axon.run.queue_wait", "axon.tool.duration", "gen_ai.client.token.usage"]),
    );
  });
});
