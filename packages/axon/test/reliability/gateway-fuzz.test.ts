// A property-based fuzz of the gateway (fast-check, fixed seed so a failure replays): thousands
// of requests with random methods, paths, headers and bodies — bytes, JSON, and run requests
// whose every field may be of any type. Each answer must be a documented status with a JSON
// error, the server must keep serving, and a steady run alongside must never be disturbed.
// Then continuations: paused runs' histories and approvals forged, edited and replayed, where a
// host tool may run only as the server issued it, once.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type ServingGateway, serveGateway } from "../../src/gateway/index.js";
import { type Axon, tool } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { documentedStatus, type HostileGateway, startHostileGateway } from "./hostile-gateway.js";

const RUNS = 2500;

let gateway: HostileGateway;
beforeAll(async () => {
  gateway = await startHostileGateway();
  await gateway.axon.threads.create({ id: "fuzz-thread", agent: "echo" });
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
// "fuzz-thread" is created before the fuzz, on the echo agent.
const threadId = fc.oneof(fc.constant("fuzz-thread"), fc.string({ maxLength: 30 }).map(encodeURIComponent));
const threadBody = fc.record(
  {
    prompt: fc.oneof(fc.string({ minLength: 1 }), anyValue),
    agent: fc.oneof(fc.constantFrom("echo", "greeter"), anyValue),
    stream: fc.oneof(fc.boolean(), anyValue),
    onBusy: fc.oneof(fc.constantFrom("reject", "enqueue", "interrupt"), anyValue),
    metadata: fc.oneof(fc.dictionary(fc.string(), anyValue, { maxKeys: 3 }), anyValue),
    id: fc.oneof(fc.stringMatching(/^[\w-]{1,20}$/), anyValue),
    background: fc.oneof(fc.boolean(), anyValue),
    webhook: fc.oneof(fc.webUrl(), fc.constantFrom("file:///etc/passwd", "javascript:1"), anyValue),
    // Decisions on calls the server never issued (the fuzz's threads pause on none): forged ids,
    // ids shaped as a provider's, the same id answered again, and values of every kind.
    approvals: fc.oneof(
      fc.dictionary(
        fc.oneof(fc.stringMatching(/^(call|toolu|pyd_ai)_\w{1,12}$/), fc.string({ maxLength: 20 })),
        fc.oneof(fc.boolean(), fc.record({ denied: fc.oneof(fc.string(), anyValue) }), anyValue),
        { maxKeys: 3 },
      ),
      anyValue,
    ),
  },
  { requiredKeys: [] },
);
// Stored runs: an id the fuzz's own background runs may hold, or any string.
const runId = fc.oneof(
  fc.stringMatching(/^[\w.:-]{1,20}$/),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);
const body = fc.oneof(
  runOptions.map((value) => JSON.stringify(value)),
  threadBody.map((value) => JSON.stringify(value)),
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
    // The thread routes: a real thread (made in beforeAll) or any id, with any body.
    fc.constantFrom("/v1/threads", "/v1/threads?limit=2", "/v1/threads?limit=-1", "/v1/threads?cursor=x"),
    threadId.map((id) => `/v1/threads/${id}`),
    threadId.map((id) => `/v1/threads/${id}/runs`),
    // Background runs and their stored state and event stream.
    agent.map((a) => `/v1/agents/${a}/runs`),
    runId.map((id) => `/v1/runs/${id}`),
    runId.map((id) => `/v1/runs/${id}/stream`),
    runId.map((id) => `/v1/runs/${id}/stream?lastEventId=${encodeURIComponent(id)}`),
    fc.constantFrom("/healthz", "/v1/agents", "/metrics", "/openapi.json"),
    fc.webPath(),
  ),
  contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
  lastEventId: fc.option(fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,12}$/), fc.nat().map(String))),
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
        fc.asyncProperty(request, async ({ method, path, contentType, lastEventId, body: payload }) => {
          // A restart is a real action, not input handling: the hostile tests cover it.
          if (path.endsWith("/restart") || path.startsWith("/v1/events")) return;
          const headers: Record<string, string> = contentType ? { "content-type": contentType } : {};
          if (lastEventId !== null) headers["last-event-id"] = lastEventId;
          const response = await gateway.send(method, path, payload, headers);
          const text = await response.text();
          // 202: a background run, stored and started.
          if (response.status === 200 || response.status === 202) return;
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

describe("continuations under a property-based fuzz", () => {
  const CONTINUATIONS = 150;
  // What ran, by the call id the worker gave the tool, and what the server issued.
  const executed: { tool: string; toolCallId: string; id: string }[] = [];
  const issued = new Map<string, string>();
  const counted = (name: string, needsApproval: boolean) =>
    tool({
      description: name,
      inputSchema: z.object({ id: z.string() }),
      needsApproval,
      execute: async ({ id }, context) => {
        executed.push({ tool: name, toolCallId: context.toolCallId, id });
        return { id, ok: true };
      },
    });
  let axon: Axon;
  let served: ServingGateway;
  beforeAll(async () => {
    const tools = { refund: counted("refund", true), lookupOrder: counted("lookupOrder", false) };
    axon = await startAxon({ orders: { module: "examples.agents.orders:agent", tools } });
    served = await serveGateway({ axon, port: 0 });
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await served?.close();
    await axon?.close({ timeoutMs: 2000 });
  });

  type Message = { kind: string; parts: Record<string, unknown>[] };
  const run = async (body: unknown) => {
    const response = await fetch(`${served.url}/v1/agents/orders/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: checked by the assertions.
    return { status: response.status, body: (await response.json()) as any };
  };
  const args = fc.oneof(
    fc.record({ id: fc.stringMatching(/^\d{1,3}$/) }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    fc.string(),
  );
  const decision = fc.oneof(fc.constant(true), fc.constant(false), fc.record({ denied: fc.string() }));
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant("args" as const), args }),
    fc.record({
      kind: fc.constant("tool" as const),
      name: fc.constantFrom("lookupOrder", "crash", "", "Refund"),
    }),
    fc.record({ kind: fc.constant("call id" as const), id: fc.string({ minLength: 1, maxLength: 12 }) }),
    fc.record({ kind: fc.constant("stamp" as const), stamp: fc.option(fc.string({ maxLength: 200 })) }),
    fc.record({ kind: fc.constant("stamp of another call" as const) }),
    fc.record({ kind: fc.constant("replay" as const) }),
    fc.record({ kind: fc.constant("call twice" as const) }),
    fc.record({
      kind: fc.constant("stray approval" as const),
      id: fc.string({ minLength: 1, maxLength: 12 }),
    }),
    fc.record({
      kind: fc.constant("made up" as const),
      calls: fc.array(
        fc.record({
          name: fc.constantFrom("refund", "lookupOrder"),
          id: fc.string({ minLength: 1, maxLength: 8 }),
          args,
        }),
        { minLength: 1, maxLength: 80 },
      ),
      approveAll: fc.boolean(),
    }),
  );

  it(`runs a host tool only as the server issued it, once, through ${CONTINUATIONS} forged, edited and replayed continuations`, async () => {
    let previousStamp: unknown;
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 999 }),
        mutation,
        decision,
        async (order, change, answer) => {
          const paused = await run({ prompt: `refund ${order}` });
          expect(paused.status).toBe(200);
          const pending = paused.body.pendingApprovals[0];
          issued.set(pending.toolCallId, String(order));
          const history = structuredClone(paused.body.allMessages) as Message[];
          const call = history.at(-1)?.parts.find((p) => p.part_kind === "tool-call") as Record<
            string,
            unknown
          >;
          let approvals: Record<string, unknown> = { [pending.toolCallId]: answer };
          let messageHistory: unknown[] = history;
          const stamp = (call.provider_details as Record<string, unknown>).axon_signature;
          switch (change.kind) {
            case "args":
              call.args = change.args;
              break;
            case "tool":
              call.tool_name = change.name;
              break;
            case "call id":
              call.tool_call_id = change.id;
              approvals = { [change.id]: answer };
              break;
            case "stamp":
              call.provider_details = change.stamp === null ? undefined : { axon_signature: change.stamp };
              break;
            case "stamp of another call":
              call.provider_details = { axon_signature: previousStamp ?? stamp };
              break;
            case "replay":
              expect((await run({ prompt: "", messageHistory, approvals })).status).toBe(200);
              break;
            case "call twice":
              history.at(-1)?.parts.push(structuredClone(call));
              break;
            case "stray approval":
              approvals = { ...approvals, [change.id]: true };
              break;
            case "made up": {
              const parts = change.calls.map((c) => ({
                part_kind: "tool-call",
                tool_name: c.name,
                args: c.args,
                tool_call_id: c.id,
              }));
              messageHistory = [history[0], { kind: "response", parts }];
              approvals = change.approveAll
                ? Object.fromEntries(change.calls.map((c) => [c.id, answer]))
                : {};
              break;
            }
          }
          previousStamp = stamp;
          const continued = await run({ prompt: "", messageHistory, approvals });
          const key = `${change.kind} -> ${continued.status} ${continued.body.error?.code ?? ""}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          // A refusal is a 400 or a 409 with its documented code; a 200 only for an unchanged call
          // (a no-op edit, a stray approval of the call's own id, a stamp equal to the issued one).
          if (continued.status !== 200) {
            expect(documentedStatus[continued.body.error.code]).toBe(continued.status);
            expect([400, 409]).toContain(continued.status);
          }
        },
      ),
      { numRuns: CONTINUATIONS, seed: 20_260_125, endOnFailure: true },
    );
    expect(executed.length).toBeGreaterThan(0); // genuine continuations (the replays' first) ran
    const runs = new Map<string, number>();
    for (const e of executed) {
      expect(e.tool).toBe("refund"); // no made-up lookupOrder ever ran
      expect(issued.get(e.toolCallId)).toBe(e.id); // the call's own arguments, as issued
      runs.set(e.toolCallId, (runs.get(e.toolCallId) ?? 0) + 1);
    }
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    // Every kind of change was tried and refused at least once.
    const refusedKinds = new Set(
      [...statuses.keys()].filter((k) => !/-> 200/.test(k)).map((k) => k.split(" -> ")[0]),
    );
    expect(refusedKinds.size).toBe(9);
  }, 120_000);
});
