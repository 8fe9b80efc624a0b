// `axon serve --otel`: one flag wires OTLP export for the gateway and the workers it starts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAOS_CONFIG, type ServeProcess, servingUrl, spawnServe } from "../gateway/serve-process.js";
import { STARTUP_TIMEOUT_MS } from "../helpers/start-axon.js";
import { type OtlpCollector, startCollector } from "./otlp-collector.js";

const TRACE = "5bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "10f067aa0ba902b7";
let collector: OtlpCollector;
let serve: ServeProcess;
let url: string;

beforeAll(async () => {
  collector = await startCollector();
  serve = spawnServe(["--otel", "--port", "0", "--config", CHAOS_CONFIG], {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  url = await servingUrl(serve);
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  serve?.child.kill("SIGTERM");
  await serve?.exit;
  await collector?.close();
});

describe("axon serve --otel", () => {
  it("exports the request's trace from the gateway and its worker, under the caller's traceparent", async () => {
    const response = await fetch(`${url}/v1/agents/chaos/run`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ prompt: "hello" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Axon-Trace-Id")).toBe(TRACE);
    expect(((await response.json()) as { traceId: string }).traceId).toBe(TRACE);
    const spans = await collector.waitFor(
      (all) =>
        all.some((s) => s.traceId === TRACE && s.service === "axon-worker") &&
        all.some((s) => s.traceId === TRACE && s.service === "axon-gateway" && s.attributes["http.route"]),
    );
    const trace = spans.filter((s) => s.traceId === TRACE);
    const request = trace.find((s) => s.name === "POST /v1/agents/:name/run");
    expect(request).toMatchObject({ service: "axon-gateway", parentSpanId: CALLER_SPAN });
    expect(request?.attributes).toMatchObject({
      "http.route": "/v1/agents/:name/run",
      "http.response.status_code": 200,
    });
    const run = trace.find((s) => s.name === "axon.run chaos");
    expect(run?.parentSpanId).toBe(request?.spanId);
    expect(serve.stderr()).toContain(`OTLP/HTTP export to ${collector.url}`);
  });
});
