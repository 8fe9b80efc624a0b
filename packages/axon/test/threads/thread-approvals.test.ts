// Approvals bound to the store (docs/threads.md "Approvals"), on both stores, with a real worker:
// `orders`'s `refund 42` calls the host tool `refund`, which needs approval. The server accepts
// only decisions on calls it stored as pending for the thread, once; `ran` counts what executed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../../src/gateway/index.js";
import type { Axon } from "../../src/index.js";
import { recordingRefund } from "../helpers/refund-tool.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { openTestStore, storeKinds, type TestStore } from "./thread-stores.js";

const { refund, refunded: ran } = recordingRefund();
const agents = { orders: { module: "examples.agents.orders:agent", tools: { refund } } };
const times = (id: string) => ran.filter((r) => r === id).length;

describe.each(storeKinds)("approvals on threads on the %s store", (kind) => {
  let store: TestStore;
  let axon: Axon;
  let gateway: Gateway;
  beforeAll(async () => {
    ran.length = 0; // the order ids repeat per store
    store = await openTestStore(kind);
    axon = await startAxon(agents, { storage: store.storage });
    gateway = createGateway({ axon, token: "secret-token" });
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    gateway?.close();
    await axon?.close({ graceMs: 2000 });
    await store?.close();
  });

  const send = (method: string, path: string, body?: unknown) =>
    gateway.app.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { authorization: "Bearer secret-token", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field in the assertions.
  const json = async (response: Response) => (await response.json()) as Record<string, any>;
  /** A thread whose run paused on `refund(order)`; its call id. */
  const paused = async (order: string) => {
    const thread = await json(await send("POST", "/v1/threads", { agent: "orders" }));
    const response = await send("POST", `/v1/threads/${thread.id}/runs`, { prompt: `refund ${order}` });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.output).toBeNull();
    expect(body.pendingApprovals).toEqual([
      { toolCallId: expect.any(String), toolName: "refund", args: { id: order } },
    ]);
    return { threadId: thread.id as string, callId: body.pendingApprovals[0].toolCallId as string };
  };
  const answer = (threadId: string, approvals: unknown, extra: Record<string, unknown> = {}) =>
    send("POST", `/v1/threads/${threadId}/runs`, { approvals, ...extra });

  it("stores the pending call and runs the refund once with the issued arguments when approved", async () => {
    const { threadId, callId } = await paused("42");
    const read = await json(await send("GET", `/v1/threads/${threadId}`));
    expect(read.pendingApprovals).toEqual([
      { runId: expect.any(String), toolCallId: callId, toolName: "refund", args: { id: "42" } },
    ]);
    expect(times("42")).toBe(0);
    const approved = await answer(threadId, { [callId]: true });
    expect(approved.status).toBe(200);
    expect((await json(approved)).output).toContain("99.5");
    expect(times("42")).toBe(1);
    const after = await json(await send("GET", `/v1/threads/${threadId}`));
    expect(after.pendingApprovals).toEqual([]);
    expect(after.messageCount).toBeGreaterThan(read.messageCount);
  });

  it("continues a denied call without running it, and refuses to approve it afterwards (409)", async () => {
    const { threadId, callId } = await paused("7");
    const denied = await answer(threadId, { [callId]: { denied: "not this one" } });
    expect(denied.status).toBe(200);
    expect((await json(denied)).output).toContain("not this one");
    const before = (await json(await send("GET", `/v1/threads/${threadId}`))).messageCount;
    const late = await answer(threadId, { [callId]: true });
    expect(late.status).toBe(409);
    expect((await json(late)).error).toMatchObject({ code: "approval_replayed", toolCallId: callId });
    expect(times("7")).toBe(0);
    expect((await json(await send("GET", `/v1/threads/${threadId}`))).messageCount).toBe(before);
  });

  it("refuses a replayed approval with 409 approval_replayed, and the refund ran once", async () => {
    const { threadId, callId } = await paused("8");
    expect((await answer(threadId, { [callId]: true })).status).toBe(200);
    const replayed = await answer(threadId, { [callId]: true });
    expect(replayed.status).toBe(409);
    expect((await json(replayed)).error).toMatchObject({
      code: "approval_replayed",
      toolCallId: callId,
      threadId,
    });
    const streamed = await answer(threadId, { [callId]: true }, { stream: true });
    expect(streamed.status).toBe(409);
    expect(times("8")).toBe(1);
  });

  it("lets only one of two approvals sent at once continue (the other waits, then is a replay)", async () => {
    const { threadId, callId } = await paused("13");
    const both = await Promise.all([
      answer(threadId, { [callId]: true }, { onBusy: "enqueue" }),
      answer(threadId, { [callId]: true }, { onBusy: "enqueue" }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = both.find((r) => r.status === 409);
    expect((await json(refused as Response)).error.code).toBe("approval_replayed");
    expect(times("13")).toBe(1);
  });

  it("gives the calls back when the continuation fails: nothing appended, still pending, answerable", async () => {
    const { threadId, callId } = await paused("14");
    const before = await json(await send("GET", `/v1/threads/${threadId}`));
    const failed = await answer(threadId, { [callId]: true }, { model: "no-such-provider:model" });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(failed.status).not.toBe(409);
    expect(times("14")).toBe(0);
    const after = await json(await send("GET", `/v1/threads/${threadId}`));
    expect(after.messageCount).toBe(before.messageCount);
    expect(after.pendingApprovals).toEqual(before.pendingApprovals);
    expect((await answer(threadId, { [callId]: true })).status).toBe(200);
    expect(times("14")).toBe(1);
  });

  it("refuses a forged call id, or another thread's, with 409 approval_not_issued and runs nothing", async () => {
    const { threadId, callId } = await paused("9");
    const other = await paused("10");
    for (const approvals of [
      { "forged-call": true },
      { [other.callId]: true },
      { [callId]: true, x: true },
    ]) {
      const refused = await answer(threadId, approvals);
      expect(refused.status).toBe(409);
      expect((await json(refused)).error.code).toBe("approval_not_issued");
    }
    expect(times("9") + times("10")).toBe(0);
    // Nothing was spent: the genuine call is still pending, and answering it runs the refund.
    expect((await answer(threadId, { [callId]: true })).status).toBe(200);
    expect(times("9")).toBe(1);
    expect(times("10")).toBe(0);
  });

  it("refuses a new prompt, or approvals beside a prompt, while calls wait (400), and approvals on a thread with none (409)", async () => {
    const { threadId, callId } = await paused("11");
    const prompt = await send("POST", `/v1/threads/${threadId}/runs`, { prompt: "refund 11" });
    expect(prompt.status).toBe(400);
    expect((await json(prompt)).error).toMatchObject({ code: "invalid_request", field: "prompt" });
    const both = await answer(threadId, { [callId]: true }, { prompt: "hi" });
    expect(both.status).toBe(400);
    const empty = await send("POST", `/v1/threads/${threadId}/runs`, {});
    expect(empty.status).toBe(400);
    const background = await answer(threadId, { [callId]: true }, { background: true });
    expect(background.status).toBe(400);
    const fresh = await json(await send("POST", "/v1/threads", { agent: "orders" }));
    const none = await answer(fresh.id, { [callId]: true });
    expect(none.status).toBe(409);
    expect((await json(none)).error.code).toBe("approval_not_issued");
    expect(times("11")).toBe(0);
  });

  it("approves through the library (thread.approve), and refuses the replay with a ThreadError", async () => {
    const thread = await axon.threads.create({ agent: "orders" });
    const first = await thread.run("refund 12");
    expect(first.pendingApprovals).toHaveLength(1);
    const read = await axon.threads.get(thread.id);
    const [pending] = read.pendingApprovals;
    expect(pending).toMatchObject({ toolName: "refund", args: { id: "12" }, runId: first.runId });
    const done = await read.approve({ [pending?.toolCallId ?? ""]: true });
    expect(done.output).toContain("99.5");
    await expect(thread.run("", { approvals: { [pending?.toolCallId ?? ""]: true } })).rejects.toMatchObject({
      name: "ThreadError",
      code: "approval_replayed",
    });
    await expect(thread.approve({ nope: false })).rejects.toMatchObject({ code: "approval_not_issued" });
    expect(times("12")).toBe(1);
    expect((await axon.threads.get(thread.id)).pendingApprovals).toEqual([]);
  });
});
