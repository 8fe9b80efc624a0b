// POST /v1/agents/:name/chat speaks the AI SDK 5 UI message stream (v1) with real workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOT_TIMEOUT_MS, type DemoGateway, demoAgents, startDemoGateway } from "./demo-gateway.js";
import { assistantMessage as assistant, toolAnswer, userMessage as user } from "./ui-messages.js";

let gateway: DemoGateway;
beforeAll(async () => {
  gateway = await startDemoGateway({ agents: { echo: demoAgents.echo, chaos: demoAgents.chaos } });
}, BOOT_TIMEOUT_MS);
afterAll(() => gateway?.close());

async function chat(agent: string, body: unknown) {
  const response = await gateway.request(`/v1/agents/${agent}/chat`, { json: body });
  const text = await response.text();
  const lines = text.split("\n\n").filter((block) => block.startsWith("data: "));
  const done = lines.at(-1) === "data: [DONE]";
  const chunks = lines.filter((line) => line !== "data: [DONE]").map((line) => JSON.parse(line.slice(6)));
  return { response, chunks, done, text };
}

describe("POST /v1/agents/:name/chat", () => {
  it("streams a text answer as UI message chunks, then [DONE]", async () => {
    const { response, chunks, done } = await chat("echo", {
      id: "c1",
      messages: [user("u1", "hello there")],
      trigger: "submit-message",
    });
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(chunks[0]).toMatchObject({ type: "start", messageId: expect.any(String) });
    const deltas = chunks.filter((c) => c.type === "text-delta").map((c) => c.delta);
    expect(deltas.join("")).toBe("hello there");
    expect(chunks.map((c) => c.type)).toEqual([
      "start",
      "start-step",
      "text-start",
      ...deltas.map(() => "text-delta"),
      "text-end",
      "finish-step",
      "finish",
    ]);
    expect(done).toBe(true);
  });

  it("streams tool calls with their inputs and outputs, each round in its own step", async () => {
    const { chunks } = await chat("chaos", { id: "c2", messages: [user("u1", "sleep 0")] });
    const input = chunks.find((c) => c.type === "tool-input-available");
    expect(input).toMatchObject({ toolName: "sleep", input: { seconds: 0 }, dynamic: true });
    const output = chunks.find((c) => c.type === "tool-output-available");
    expect(output).toMatchObject({ toolCallId: input.toolCallId, output: "slept 0" });
    expect(chunks.filter((c) => c.type === "start-step")).toHaveLength(2);
  });

  it("gives the agent the earlier UI messages as its history", async () => {
    const messages = [
      user("1", "hi"),
      assistant("2", "ok"),
      user("3", "still there?"),
      assistant("4", "ok"),
      user("5", "turns"),
    ];
    const { chunks } = await chat("chaos", { id: "c3", messages });
    expect(chunks.find((c) => c.type === "text-delta")?.delta).toBe("3");
  });

  it("accepts tool parts from an earlier answer (the worker validates the converted history)", async () => {
    const { chunks } = await chat("chaos", {
      id: "c4",
      messages: [user("1", "hi"), toolAnswer, user("3", "turns")],
    });
    expect(chunks.find((c) => c.type === "text-delta")?.delta).toBe("2");
  });

  it("ends with an error chunk and [DONE] when the run fails", async () => {
    const { chunks, done } = await chat("chaos", { id: "c5", messages: [user("1", "raise")] });
    expect(chunks.at(-1)).toMatchObject({ type: "error", errorText: expect.stringContaining("internal") });
    expect(done).toBe(true);
  });

  it("refuses a conversation that does not end with a user message (400 naming the field)", async () => {
    const { response, text } = await chat("echo", {
      id: "c6",
      messages: [user("1", "hi"), assistant("2", "ok")],
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(text).error).toMatchObject({ code: "invalid_request", field: "messages[1].role" });
  });

  it("refuses a body without messages", async () => {
    const { response, text } = await chat("echo", { id: "c7" });
    expect(response.status).toBe(400);
    expect(JSON.parse(text).error.field).toBe("messages");
  });
});
