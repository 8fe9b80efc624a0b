// The chat endpoint through the AI SDK's own client code: `DefaultChatTransport` (what
// `useChat` posts with, validating every chunk against the SDK's strict chunk schema) and
// `readUIMessageStream` (how `useChat` assembles the answer). The assembled messages are then
// posted back, as `useChat` does on the next turn, and the agent must see them as history.
import { DefaultChatTransport, readUIMessageStream, type UIMessage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOT_TIMEOUT_MS, type DemoGateway, demoAgents, startDemoGateway } from "./demo-gateway.js";

let gateway: DemoGateway;
beforeAll(async () => {
  gateway = await startDemoGateway({ token: "chat-token", agents: { chaos: demoAgents.chaos } });
}, BOOT_TIMEOUT_MS);
afterAll(() => gateway?.close());

const userMessage = (id: string, text: string): UIMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text }],
});

/** One `useChat` turn: send the conversation, return the assistant message as the client builds it. */
async function turn(messages: UIMessage[]): Promise<UIMessage> {
  const transport = new DefaultChatTransport({
    api: `${gateway.url}/v1/agents/chaos/chat`,
    headers: { Authorization: "Bearer chat-token" },
  });
  const stream = await transport.sendMessages({
    trigger: "submit-message",
    chatId: "chat-1",
    messageId: undefined,
    messages,
    abortSignal: undefined,
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream, terminateOnError: true })) last = message;
  if (!last) throw new Error("no assistant message");
  return last;
}

describe("the chat endpoint, driven by the AI SDK's client", () => {
  it("builds an assistant message with a dynamic tool part and the answer text", async () => {
    const answer = await turn([userMessage("u1", "sleep 0")]);
    expect(answer.role).toBe("assistant");
    const tool = answer.parts.find((part) => part.type === "dynamic-tool");
    expect(tool).toMatchObject({
      toolName: "sleep",
      state: "output-available",
      input: { seconds: 0 },
      output: "slept 0",
    });
    const text = answer.parts.filter((part) => part.type === "text").map((part) => part.text);
    expect(text).toEqual(["slept 0"]);
    expect(answer.metadata).toMatchObject({ model: "chaos", usage: { toolCalls: 1 } });
  });

  it("takes the client's own messages back as the history of the next turn", async () => {
    const first = userMessage("u1", "sleep 0");
    const answer = await turn([first]);
    const next = await turn([first, answer, userMessage("u2", "turns")]);
    expect(next.parts.filter((part) => part.type === "text").map((part) => part.text)).toEqual(["2"]);
  });

  it("surfaces a failed run as the SDK's stream error", async () => {
    await expect(turn([userMessage("u1", "raise")])).rejects.toThrow(/internal/);
  });
});
