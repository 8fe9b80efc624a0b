// Threads through the library, on the embedded store and on a real PostgreSQL, with a real
// worker: `chaos`'s `turns` answers how many user prompts the history it was given holds, so
// each answer shows what the server loaded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon } from "../../src/index.js";
import { openStore } from "../../src/storage/open-store.js";
import type { Thread } from "../../src/threads/threads.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { openTestStore, storeKinds, type TestStore } from "./thread-stores.js";

const agents = { chaos: { module: "examples.agents.chaos:agent" } };

describe.each(storeKinds)("threads on the %s store", (kind) => {
  let store: TestStore;
  let axon: Axon;
  beforeAll(async () => {
    store = await openTestStore(kind);
    axon = await startAxon(agents, { storage: store.storage });
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await axon?.close({ graceMs: 2000 });
    await store?.close();
  });

  const fresh = () => axon.threads.create({ agent: "chaos", metadata: { user: "ada" } });
  // Reads up to the first tool call without leaving the iteration (which would cancel the run).
  const toolCalled = async (run: AsyncIterable<{ type: string }>) => {
    const events = run[Symbol.asyncIterator]();
    for (let next = await events.next(); !next.done; next = await events.next()) {
      if (next.value.type === "tool-call") return;
    }
  };

  it("creates a thread, runs on it and continues from the history the server kept", async () => {
    const thread = await fresh();
    expect(thread).toMatchObject({
      agent: "chaos",
      metadata: { user: "ada" },
      messageCount: 0,
      messages: [],
    });
    expect((await thread.run("turns")).output).toBe("1");
    const second = await thread.run("turns");
    expect(second.output).toBe("2");
    expect(second.threadId).toBe(thread.id);
    const read = await axon.threads.get(thread.id);
    expect(read.messageCount).toBe(4);
    expect(read.messages).toHaveLength(4);
    expect(read.uiMessages.map((m) => [m.role, m.parts])).toEqual([
      ["user", [{ type: "text", text: "turns" }]],
      ["assistant", [{ type: "text", text: "1" }]],
      ["user", [{ type: "text", text: "turns" }]],
      ["assistant", [{ type: "text", text: "2" }]],
    ]);
  });

  it("appends nothing when a run fails or is cancelled", async () => {
    const thread = await fresh();
    await thread.run("turns");
    await expect(thread.run("raise")).rejects.toMatchObject({ name: expect.any(String) });
    const sleeping = thread.stream("sleep 10");
    await toolCalled(sleeping);
    sleeping.cancel();
    await expect(sleeping.result).rejects.toMatchObject({ code: "cancelled" });
    expect((await axon.threads.get(thread.id)).messageCount).toBe(2);
    expect((await thread.run("turns")).output).toBe("2");
  });

  it("rejects a second message while a run is in progress by default (thread_busy)", async () => {
    const thread = await fresh();
    const first = thread.stream("sleep 0.5");
    await first.ready;
    await expect(thread.run("turns")).rejects.toMatchObject({ code: "thread_busy", threadId: thread.id });
    await first.result;
    expect((await thread.run("turns")).output).toBe("2");
  });

  it("enqueues a second message behind the running one, which then sees its history", async () => {
    const thread = await fresh();
    const first = thread.run("sleep 0.5");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = thread.run("turns", { onBusy: "enqueue" });
    await first;
    expect((await second).output).toBe("2");
  });

  it("interrupts the running run: it keeps its prompt and partial text, and the new one runs next", async () => {
    const thread = await fresh();
    const first = thread.stream("sleep 30");
    await toolCalled(first);
    const second = thread.run("turns", { onBusy: "interrupt" });
    await expect(first.result).rejects.toMatchObject({ code: "cancelled" });
    expect((await second).output).toBe("2"); // the interrupted prompt, then this one
    const read = await axon.threads.get(thread.id);
    expect(read.messages[1]).toMatchObject({ kind: "response", state: "interrupted" });
    expect(read.uiMessages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  });

  it("lists threads newest first, page by page, and deletes them", async () => {
    const made: Thread[] = [];
    for (let i = 0; i < 5; i++) made.push(await axon.threads.create({ metadata: { i } }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await axon.threads.list({ limit: 2, cursor });
      expect(page.threads.length).toBeLessThanOrEqual(2);
      seen.push(...page.threads.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Newest first; threads made within one millisecond follow by id, descending.
    const ids = made
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .map((t) => t.id);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
    expect(await axon.threads.delete(made[0]?.id ?? "")).toBe(true);
    expect(await axon.threads.delete(made[0]?.id ?? "")).toBe(false);
    await expect(axon.threads.get(made[0]?.id ?? "")).rejects.toMatchObject({ code: "thread_not_found" });
  });

  it("refuses a run on an unknown thread, and one that names no agent on a thread without one", async () => {
    await expect(axon.threads.run("no-such-thread", "turns")).rejects.toMatchObject({
      code: "thread_not_found",
    });
    await expect(axon.threads.run("../../etc", "turns")).rejects.toMatchObject({ code: "thread_not_found" });
    const bare = await axon.threads.create();
    await expect(bare.run("turns")).rejects.toMatchObject({ code: "invalid_request", field: "agent" });
    expect((await bare.run("turns", { agent: "chaos" })).output).toBe("1");
  });

  it("keeps a NUL and lone surrogates in metadata and history as written", async () => {
    const thread = await axon.threads.create({ agent: "chaos", metadata: { odd: "a\u0000b\ud800" } });
    await thread.run("echo \u0000 'quoted'; drop table threads; --");
    const read = await axon.threads.get(thread.id);
    expect(read.metadata).toEqual({ odd: "a\u0000b\ud800" });
    expect(read.uiMessages[0]?.parts).toEqual([
      { type: "text", text: "echo \u0000 'quoted'; drop table threads; --" },
    ]);
  });

  it("migrates once: a second open of the same store applies nothing", async () => {
    await axon.threads.list(); // the store is open (and migrated) by now
    if (kind === "postgres") {
      const again = await openStore({ url: store.storage.url });
      expect(again.applied).toEqual([]);
      await again.close();
    }
  });
});
