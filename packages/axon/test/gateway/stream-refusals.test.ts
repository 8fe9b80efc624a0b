// A streamed run refused before its first event answers with the refusal's own status, as /run
// does: 429 + Retry-After when overloaded, not a 200 whose stream holds only an `error` event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveGateway } from "../../src/gateway/index.js";
import type { Axon } from "../../src/index.js";
import { nextEvent, STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";

let axon: Axon;
let gateway: Awaited<ReturnType<typeof serveGateway>>;
beforeAll(async () => {
  axon = await startAxon({
    chaos: { module: "examples.agents.chaos:agent", maxConcurrency: 1, maxQueue: 0 },
  });
  gateway = await serveGateway({ axon, port: 0 });
}, STARTUP_TIMEOUT_MS);
afterAll(async () => {
  await gateway?.close();
  await axon?.close();
});

const post = (route: string, body: unknown) =>
  fetch(`${gateway.url}/v1/agents/chaos/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("a streaming route refused before the first event", () => {
  it.each([
    ["stream", { prompt: "hello" }],
    ["chat", { messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "hello" }] }] }],
  ])("/%s answers 429 with Retry-After while every slot and queue place is taken", async (route, body) => {
    const sleeping = nextEvent(axon, "log", (record) => record.message.includes("sleeping"));
    const busy = axon.run("chaos", "sleep 3");
    await sleeping;
    const response = await post(route, body);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("overloaded");
    await busy;
  });

  it("streams with 200 once a slot is free", async () => {
    const response = await post("stream", { prompt: "hello" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("event: result");
  });
});
