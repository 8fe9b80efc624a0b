// The chat endpoint's resume, through the AI SDK's own client: a resumable chat (`resumable:
// true` in the transport's body) whose connection drops mid-answer is picked up by
// DefaultChatTransport.reconnectToStream (what `useChat({ resume: true })` calls on mount:
// `GET ${api}/${chatId}/stream`), and a chat with no run in progress answers 204; both stores.
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServingGateway, serveGateway } from "../../src/gateway/index.js";
import type { Axon } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { openTestStore, storeKinds, type TestStore } from "../threads/thread-stores.js";

const user = (id: string, text: string): UIMessage => ({ id, role: "user", parts: [{ type: "text", text }] });

describe.each(storeKinds)("the chat endpoint's resume on the %s store", (kind) => {
  let store: TestStore;
  let axon: Axon;
  let gateway: ServingGateway;
  beforeAll(async () => {
    store = await openTestStore(kind);
    axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent" } }, { storage: store.storage });
    gateway = await serveGateway({ axon, port: 0 });
    await axon.runs.recover(); // the store open before the chat, not during it
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await gateway?.close();
    await axon?.close({ graceMs: 2000 });
    await store?.close();
  });

  const transport = () =>
    new DefaultChatTransport({ api: `${gateway.url}/v1/agents/chaos/chat`, body: { resumable: true } });

  it("picks up a resumable chat's answer after the connection dropped, and answers 204 once it ended", async () => {
    const chatId = `chat-${kind}`;
    const dropped = new AbortController();
    const first = await transport().sendMessages({
      trigger: "submit-message",
      chatId,
      messageId: undefined,
      messages: [user("u1", "sleep 2")],
      abortSignal: dropped.signal,
    });
    const reader = first.getReader();
    const head: UIMessageChunk[] = [];
    while (head.length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      head.push(value);
    }
    expect(head[0]).toMatchObject({ type: "start" });
    dropped.abort(); // the page reloads
    await reader.cancel().catch(() => {});

    const resumed = await transport().reconnectToStream({ chatId });
    expect(resumed).not.toBeNull();
    let last: UIMessage | undefined;
    for await (const message of readUIMessageStream({
      stream: resumed as ReadableStream<UIMessageChunk>,
      terminateOnError: true,
    }))
      last = message;
    const text = last?.parts.filter((part) => part.type === "text").map((part) => part.text);
    expect(text).toEqual(["slept 2"]);

    expect(await transport().reconnectToStream({ chatId })).toBeNull();
    expect(await transport().reconnectToStream({ chatId: "no-such-chat" })).toBeNull();
  });
});
