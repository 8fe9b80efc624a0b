// Every endpoint of the gateway given what a careless or hostile client sends: each request gets
// a JSON error with a documented status and a code naming the problem; nothing reaches a worker
// that the worker could choke on, and the same workers keep serving.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pidOf, STARTUP_TIMEOUT_MS } from "../helpers/start-axon.js";
import { documentedStatus, type HostileGateway, startHostileGateway } from "./hostile-gateway.js";

let gateway: HostileGateway;
beforeAll(async () => {
  gateway = await startHostileGateway();
  // Opens the store before any request: a keep-alive connection left idle while it opens could be
  // closed by the server just as the next request reuses it.
  await gateway.axon.threads.create({ id: "hostile-runs", agent: "echo" });
}, STARTUP_TIMEOUT_MS);
afterAll(() => gateway?.close());

/** The response's JSON error, checked to have a documented status for its code. */
async function errorOf(response: Response, code: string) {
  const body = (await response.json()) as { error: { code: string; message: string; field?: string } };
  expect(body.error.code).toBe(code);
  expect(response.status).toBe(documentedStatus[code]);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

const json = (value: unknown) => JSON.stringify(value);

describe.each(["run", "stream"])("POST /v1/agents/:name/%s", (mode) => {
  const path = `/v1/agents/echo/${mode}`;
  it.each([
    ["invalid JSON", '{"prompt": ', "body"],
    ["JSON that is not an object", "[1, 2]", "body"],
    ["null", "null", "body"],
    ["an empty body", "", "body"],
    ["no prompt", json({}), "prompt"],
    ["a prompt of the wrong type", json({ prompt: 7 }), "prompt"],
    ["an empty prompt", json({ prompt: "" }), "prompt"],
    ["an unknown key", json({ prompt: "hi", promt: "typo" }), "promt"],
    ["a history that is not a list", json({ prompt: "hi", messageHistory: "earlier" }), "messageHistory"],
    ["a model of the wrong type", json({ prompt: "hi", model: ["gpt"] }), "model"],
    ["a deadline too far away for a timer", json({ prompt: "hi", timeoutMs: 1e15 }), "timeoutMs"],
    [
      "model settings nested 1,000 deep",
      `{"prompt":"hi","modelSettings":${'{"a":'.repeat(1000)}1${"}".repeat(1000)}}`,
      "modelSettings",
    ],
    [
      "a retry backoff too long for a timer",
      json({ prompt: "hi", retry: { attempts: 2, backoffMs: 3e9 } }),
      "retry.backoffMs",
    ],
    ["model settings that are a list", json({ prompt: "hi", modelSettings: [1] }), "modelSettings"],
    [
      "a negative usage limit",
      json({ prompt: "hi", usageLimits: { requestLimit: -1 } }),
      "usageLimits.requestLimit",
    ],
    ["a timeout as a string", json({ prompt: "hi", timeoutMs: "10" }), "timeoutMs"],
    ["metadata that is a string", json({ prompt: "hi", metadata: "x" }), "metadata"],
    ["a retry without attempts", json({ prompt: "hi", retry: {} }), "retry.attempts"],
    ["a run id with shell metacharacters", json({ prompt: "hi", runId: "a;rm -rf /" }), "runId"],
  ])("refuses %s with a 400 naming the field", async (_what, body, field) => {
    const error = await errorOf(await gateway.send("POST", path, body), "invalid_request");
    expect(error.field).toBe(field);
  });

  it("refuses a malformed message history with the worker's 400", async () => {
    const body = json({ prompt: "hi", messageHistory: [{ kind: "request", parts: "no" }] });
    const response = await gateway.send("POST", path, body);
    if (mode === "run") {
      expect((await errorOf(response, "invalid_request")).field).toBe("message_history_json");
    } else {
      // The worker's refusal comes after the stream opened: it ends with an error event.
      expect(await response.text()).toMatch(
        /event: error\ndata: .*"code":"invalid_request".*message_history_json/,
      );
    }
  });

  it("refuses an unknown agent with a 404 listing the known ones, however it is named", async () => {
    for (const name of ["nope", "echo%3B%20rm%20-rf%20~", "%24(id)", "..%2Fecho", "%00", "e".repeat(2000)]) {
      const response = await gateway.send("POST", `/v1/agents/${name}/${mode}`, json({ prompt: "hi" }));
      const error = (await response.json()) as { error: { code: string; knownAgents?: string[] } };
      expect([404]).toContain(response.status);
      if (error.error.code === "agent_not_found")
        expect(error.error.knownAgents).toEqual(["echo", "greeter"]);
    }
  });

  it("refuses a body over 1 MiB with a 413, declared or streamed without a length", async () => {
    const huge = json({ prompt: "x".repeat(2 * 1024 * 1024) });
    await errorOf(await gateway.send("POST", path, huge), "payload_too_large");
    const chunks = new Blob([huge]).stream();
    const streamed = await fetch(gateway.url + path, {
      method: "POST",
      body: chunks,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    await errorOf(streamed, "payload_too_large");
  });
});

describe("POST /v1/agents/:name/run with input the worker validates", () => {
  it("refuses an unknown model string with a 400 on field model", async () => {
    const body = json({ prompt: "hi", model: "no-such-provider:model-x" });
    const error = await errorOf(await gateway.send("POST", "/v1/agents/echo/run", body), "invalid_request");
    expect(error.field).toBe("model");
  });

  it("refuses deps that fail the agent's validation with a 400 on deps_json", async () => {
    for (const deps of [{ name: 5 }, {}, "Ada", null]) {
      const body = json({ prompt: "hi", deps });
      const error = await errorOf(
        await gateway.send("POST", "/v1/agents/greeter/run", body),
        "invalid_request",
      );
      expect(error.field).toBe("deps_json");
    }
  });

  it("refuses model settings of the wrong type with a 400", async () => {
    const body = json({ prompt: "hi", modelSettings: { temperature: "hot" } });
    const error = await errorOf(await gateway.send("POST", "/v1/agents/echo/run", body), "invalid_request");
    expect(error.field).toBe("model_settings_json");
  });

  it("decodes invalid UTF-8 as U+FFFD, as every web decoder does, and runs nothing else", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"prompt": "a'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('b"}'),
    ]);
    const response = await gateway.send("POST", "/v1/agents/echo/run", bytes);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output: string }).output).toBe("a\uFFFD(\uFFFDb");
  });

  it("passes shell metacharacters in a prompt to the agent as plain text", async () => {
    const marker = join(tmpdir(), `axon-pwned-http-${process.pid}`);
    const prompt = `$(touch ${marker}) \`touch ${marker}\`; touch ${marker} | cat && echo '"`;
    const response = await gateway.send("POST", "/v1/agents/echo/run", json({ prompt }));
    expect(((await response.json()) as { output: string }).output).toBe(prompt);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("POST /v1/agents/:name/chat", () => {
  const user = (text: string) => ({ id: "u", role: "user", parts: [{ type: "text", text }] });
  it.each([
    ["no messages", json({ id: "c" }), "messages"],
    ["messages that are not a list", json({ messages: "hi" }), "messages"],
    ["an empty conversation", json({ messages: [] }), "messages"],
    [
      "a message with an unknown role",
      json({ messages: [{ id: "m", role: "root", parts: [] }] }),
      "messages[0].role",
    ],
    ["a message without parts", json({ messages: [{ id: "m", role: "user" }] }), "messages[0].parts"],
    ["a run option of the wrong type", json({ messages: [user("hi")], timeoutMs: -5 }), "timeoutMs"],
  ])("refuses %s with a 400 naming the field", async (_what, body, field) => {
    const error = await errorOf(await gateway.send("POST", "/v1/agents/echo/chat", body), "invalid_request");
    expect(error.field).toBe(field);
  });

  it("refuses a conversation that ends with the assistant, and invalid JSON", async () => {
    const assistant = { id: "a", role: "assistant", parts: [{ type: "text", text: "hi" }] };
    await errorOf(
      await gateway.send("POST", "/v1/agents/echo/chat", json({ messages: [user("x"), assistant] })),
      "invalid_request",
    );
    await errorOf(await gateway.send("POST", "/v1/agents/echo/chat", "{nope"), "invalid_request");
  });
});

describe("the stored run routes", () => {
  it("answers invalid_request to a background run's bad body, and webhook_unsigned without a secret", async () => {
    for (const body of [
      "{nope",
      json({}),
      json({ prompt: "" }),
      json({ prompt: 1 }),
      json({ prompt: "x", stream: "yes" }),
      json({ prompt: "x", promt: "y" }),
      json({ prompt: "x", webhook: "javascript:alert(1)" }),
      json({ prompt: "x", webhook: "file:///etc/passwd" }),
      json({ prompt: "x", webhook: `http://${"a".repeat(3000)}.example` }),
      json({ prompt: "x", runId: "" }),
    ]) {
      await errorOf(await gateway.send("POST", "/v1/agents/echo/runs", body), "invalid_request");
    }
    const hook = json({ prompt: "x", webhook: "http://127.0.0.1:9/hook" });
    const unsigned = await errorOf(
      await gateway.send("POST", "/v1/agents/echo/runs", hook),
      "webhook_unsigned",
    );
    expect(unsigned.field).toBe("webhook");
    await errorOf(
      await gateway.send("POST", "/v1/agents/%60id%60/runs", json({ prompt: "x" })),
      "agent_not_found",
    );
  });

  it("answers invalid_request to a webhook on a thread run that is not in the background, and to a run id in use", async () => {
    const webhook = json({ prompt: "x", webhook: "http://127.0.0.1:9/hook" });
    await errorOf(await gateway.send("POST", "/v1/threads/hostile-runs/runs", webhook), "invalid_request");
    const body = json({ prompt: "x", runId: "hostile-run-1" });
    expect((await gateway.send("POST", "/v1/agents/echo/runs", body)).status).toBe(202);
    await errorOf(await gateway.send("POST", "/v1/agents/echo/runs", body), "invalid_request");
    // A thread run may not take over another run's row either.
    await errorOf(await gateway.send("POST", "/v1/threads/hostile-runs/runs", body), "invalid_request");
    const streamed = json({ prompt: "x", runId: "hostile-run-1", stream: true });
    await errorOf(await gateway.send("POST", "/v1/threads/hostile-runs/runs", streamed), "invalid_request");
    expect((await gateway.axon.runs.get("hostile-run-1")).threadId).toBeNull();
  });

  it("answers run_not_found for a read, stream or cancel of an unknown or hostile run id", async () => {
    for (const id of ["nope", "%24(id)", "a%3Bb", "'%3B%20drop%20table%20runs%3B%20--", "x".repeat(500)]) {
      await errorOf(await gateway.send("GET", `/v1/runs/${id}`), "run_not_found");
      await errorOf(await gateway.send("GET", `/v1/runs/${id}/stream`), "run_not_found");
      await errorOf(await gateway.send("POST", `/v1/runs/${id}/cancel`), "run_not_found");
    }
  });

  it("answers invalid_request to a Last-Event-ID that is not an event number", async () => {
    const run = (await (
      await gateway.send("POST", "/v1/agents/echo/runs", json({ prompt: "x" }))
    ).json()) as { id: string };
    for (const id of ["-1", "1e3", "99999999999", "abc", "1,2", "0x10"]) {
      const response = await gateway.send("GET", `/v1/runs/${run.id}/stream`, undefined, {
        "last-event-id": id,
      });
      await errorOf(response, "invalid_request");
      await errorOf(
        await gateway.send("GET", `/v1/runs/${run.id}/stream?lastEventId=${encodeURIComponent(id)}`),
        "invalid_request",
      );
    }
    // A number past the end is no error: the stream ends with the run, empty.
    const past = await gateway.send("GET", `/v1/runs/${run.id}/stream`, undefined, {
      "last-event-id": "999",
    });
    expect(past.status).toBe(200);
    await past.text();
  });
});

describe("the other endpoints", () => {
  it("answers 404 run_not_found for a cancel of an unknown or hostile run id", async () => {
    for (const id of ["nope", "%24(id)", "a%3Bb", "x".repeat(500)]) {
      await errorOf(await gateway.send("POST", `/v1/runs/${id}/cancel`), "run_not_found");
    }
  });

  it("answers 404 for a restart or description of an unknown agent", async () => {
    await errorOf(await gateway.send("POST", "/v1/agents/%60id%60/restart"), "agent_not_found");
    await errorOf(await gateway.send("GET", "/v1/agents/nope"), "agent_not_found");
  });

  it("answers JSON 404s for unknown routes and wrong methods, never an HTML page", async () => {
    for (const [method, path] of [
      ["GET", "/v1/agents/echo/run"],
      ["DELETE", "/v1/agents/echo"],
      ["PUT", "/metrics"],
      ["GET", "/../../etc/passwd"],
      ["GET", "/v1/%2e%2e/%2e%2e/etc/passwd"],
    ] as const) {
      const response = await gateway.send(method, path);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/json");
    }
  });

  it("ignores a body on the GET endpoints", async () => {
    for (const path of ["/healthz", "/v1/agents", "/metrics", "/openapi.json"]) {
      const response = await gateway.send("GET", `${path}?x=%ff%fe&prompt=$(id)`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
  });
});

describe("after every hostile request above", () => {
  it("still serves runs on the same workers, none restarted", async () => {
    const pids = gateway.axon.status().map((w) => w.pid);
    const response = await gateway.send("POST", "/v1/agents/echo/run", json({ prompt: "still here" }));
    expect(((await response.json()) as { output: string }).output).toBe("still here");
    expect(gateway.axon.status().map((w) => [w.state, w.restarts])).toEqual([
      ["ready", 0],
      ["ready", 0],
    ]);
    expect(gateway.axon.status().map((w) => w.pid)).toEqual(pids);
    expect(pidOf(gateway.axon, "echo")).toBe(pids[0]);
  });
});
