// A property-based fuzz of the gateway (fast-check, fixed seed so a failure replays): thousands
// of requests with random methods, paths, headers and bodies — bytes, JSON, and run requests
// whose every field may be of any type. Each answer must be a documented status with a JSON
// error, the server must keep serving, and a steady run alongside must never be disturbed.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STARTUP_TIMEOUT_MS } from "../helpers/start-axon.js";
import { documentedStatus, type HostileGateway, startHostileGateway } from "./hostile-gateway.js";

const RUNS = 2500;

let gateway: HostileGateway;
beforeAll(async () => {
  gateway = await startHostileGateway();
}, STARTUP_TIMEOUT_MS);
afterAll(() => gateway?.close());

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue(),
);
const runOptions = fc.record(
  {
    prompt: fc.oneof(fc.string({ minLength: 1 }), anyValue),
    messageHistory: fc.oneof(fc.array(fc.dictionary(fc.string(), anyValue), { maxLength: 3 }), anyValue),
    model: fc.oneof(fc.string(), anyValue),
    modelSettings: fc.oneof(fc.dictionary(fc.string(), anyValue, { maxKeys: 3 }), anyValue),
    deps: anyValue,
    usageLimits: fc.oneof(fc.record({ requestLimit: anyValue }), anyValue),
    timeoutMs: fc.oneof(fc.integer({ min: 1, max: 5000 }), anyValue),
    metadata: fc.oneof(fc.dictionary(fc.string(), anyValue, { maxKeys: 3 }), anyValue),
    retry: fc.oneof(fc.record({ attempts: fc.integer({ min: 0, max: 3 }) }), anyValue),
    runId: fc.oneof(fc.stringMatching(/^[\w.:-]{1,20}$/), fc.string()),
    promt: anyValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  runOptions.map((value) => JSON.stringify(value)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string(),
  fc.uint8Array({ maxLength: 256 }),
);
const agent = fc.oneof(
  fc.constantFrom("echo", "greeter"),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "POST", "POST", "PUT", "DELETE"),
  path: fc.oneof(
    agent.map((a) => `/v1/agents/${a}/run`),
    agent.map((a) => `/v1/agents/${a}/stream`),
    agent.map((a) => `/v1/agents/${a}/chat`),
    agent.map((a) => `/v1/agents/${a}`),
    fc.string({ maxLength: 20 }).map((id) => `/v1/runs/${encodeURIComponent(id)}/cancel`),
    fc.constantFrom("/healthz", "/v1/agents", "/metrics", "/openapi.json"),
    fc.webPath(),
  ),
  contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
  body,
});

describe("the gateway under a property-based fuzz", () => {
  it(`answers ${RUNS} random requests with documented statuses while a steady run keeps succeeding`, async () => {
    let canaryRuns = 0;
    let fuzzing = true;
    const canary = (async () => {
      while (fuzzing) {
        const response = await gateway.send(
          "POST",
          "/v1/agents/echo/run",
          JSON.stringify({ prompt: "canary" }),
        );
        expect(response.status).toBe(200);
        expect(((await response.json()) as { output: string }).output).toBe("canary");
        canaryRuns += 1;
      }
    })();
    const undocumented: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(request, async ({ method, path, contentType, body: payload }) => {
          // A restart is a real action, not input handling: the hostile tests cover it.
          if (path.endsWith("/restart") || path.startsWith("/v1/events")) return;
          const headers: Record<string, string> = contentType ? { "content-type": contentType } : {};
          const response = await gateway.send(method, path, payload, headers);
          const text = await response.text();
          if (response.status === 200) return;
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          } catch {
            // Not JSON: reported below.
          }
          const streamed = response.headers.get("content-type")?.includes("text/event-stream");
          if (streamed || code === undefined || documentedStatus[code] !== response.status) {
            undocumented.push(`${method} ${path} -> ${response.status} ${text.slice(0, 200)}`);
          }
          // The one 5xx a client can cause on agents that never fail: its own tiny `timeoutMs`.
          if (response.status >= 500) expect(code).toBe("timeout");
        }),
        { numRuns: RUNS, seed: 20_260_124, endOnFailure: true },
      );
    } finally {
      fuzzing = false;
      await canary;
    }
    expect(undocumented).toEqual([]);
    expect(canaryRuns).toBeGreaterThan(0);
    expect(gateway.axon.status().every((w) => w.state === "ready" && w.restarts === 0)).toBe(true);
  }, 120_000);
});
