// One run per thread across processes sharing a store: two Axon instances, each with its own
// connections to one real PostgreSQL (two clients of the database, as two replicas are), and a
// worker each. The thread's lease (threads.active_run_id / lease_until) is what serializes them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServingGateway, serveGateway } from "../../src/gateway/index.js";
import type { Axon } from "../../src/index.js";
import { openStore, type Store } from "../../src/storage/open-store.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { openTestStore, type TestStore } from "./thread-stores.js";

const agents = { chaos: { module: "examples.agents.chaos:agent" } };

describe("the per-thread lane across two instances on one PostgreSQL", () => {
  let store: TestStore;
  let a: Axon;
  let b: Axon;
  let db: Store;
  let served: ServingGateway;
  beforeAll(async () => {
    store = await openTestStore("postgres", "axon_lease");
    const extra = { storage: store.storage, runs: { heartbeatMs: 200 } };
    [a, b] = await Promise.all([startAxon(agents, extra), startAxon(agents, extra)]);
    db = await openStore({ url: store.storage.url });
    served = await serveGateway({ axon: b, port: 0 });
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await served?.close();
    await db?.close();
    await Promise.all([a?.close({ graceMs: 2000 }), b?.close({ graceMs: 2000 })]);
    await store?.close();
  });

  const lease = async (id: string) =>
    db.db
      .selectFrom("threads")
      .select(["active_run_id", "lease_until"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  const toolCalled = async (run: AsyncIterable<{ type: string }>) => {
    const events = run[Symbol.asyncIterator]();
    for (let next = await events.next(); !next.done; next = await events.next()) {
      if (next.value.type === "tool-call") return;
    }
  };

  it("reject: the second instance answers thread_busy while the first holds the lease, then runs", async () => {
    const thread = await a.threads.create({ agent: "chaos" });
    const first = a.threads.stream(thread.id, "sleep 2");
    await first.ready;
    expect((await lease(thread.id)).active_run_id).toBe(first.runId);
    await expect(b.threads.run(thread.id, "turns")).rejects.toMatchObject({
      code: "thread_busy",
      threadId: thread.id,
    });
    const overHttp = await fetch(`${served.url}/v1/threads/${thread.id}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "turns", onBusy: "reject" }),
    });
    expect(overHttp.status).toBe(409);
    expect(((await overHttp.json()) as { error: { code: string } }).error.code).toBe("thread_busy");
    await first.result;
    expect(await lease(thread.id)).toEqual({ active_run_id: null, lease_until: null });
    expect((await b.threads.run(thread.id, "turns")).output).toBe("2");
  });

  it("enqueue: the second instance's run waits for the first and sees its messages", async () => {
    const thread = await a.threads.create({ agent: "chaos" });
    const first = a.threads.stream(thread.id, "sleep 1");
    await first.ready;
    let firstEnded = 0;
    const firstDone = first.result.then((r) => {
      firstEnded = Date.now();
      return r;
    });
    const second = await b.threads.run(thread.id, "turns", { onBusy: "enqueue" });
    const secondEnded = Date.now();
    expect(String((await firstDone).output)).toMatch(/^slept/);
    expect(second.output).toBe("2");
    expect(firstEnded).toBeGreaterThan(0);
    expect(firstEnded).toBeLessThanOrEqual(secondEnded);
    expect((await a.threads.get(thread.id)).messageCount).toBeGreaterThanOrEqual(4);
  });

  it("interrupt: the run on the other instance is cancelled through the store, the new one runs", async () => {
    const thread = await a.threads.create({ agent: "chaos" });
    const first = a.threads.stream(thread.id, "sleep 30");
    await toolCalled(first);
    const began = Date.now();
    const second = await b.threads.run(thread.id, "turns", { onBusy: "interrupt" });
    expect(Date.now() - began).toBeLessThan(15_000);
    await expect(first.result).rejects.toMatchObject({ code: "cancelled" });
    expect(second.output).toBe("1"); // the cancelled run appended nothing
    expect((await a.runs.get(first.runId)).status).toBe("cancelled");
    expect((await b.runs.get(second.runId)).status).toBe("succeeded");
  });

  it("a live lease held elsewhere refuses, a stale one (its owner died) is taken over", async () => {
    const thread = await a.threads.create({ agent: "chaos" });
    const hold = (until: Date) =>
      db.db
        .updateTable("threads")
        .set({ active_run_id: "a-dead-replicas-run", lease_until: until })
        .where("id", "=", thread.id)
        .execute();
    await hold(new Date(Date.now() + 60_000));
    await expect(b.threads.run(thread.id, "turns")).rejects.toMatchObject({ code: "thread_busy" });
    await expect(
      a.threads.run(thread.id, "turns", { onBusy: "enqueue", timeoutMs: 500 }),
    ).rejects.toMatchObject({ code: "thread_busy" });
    await hold(new Date(Date.now() - 1000));
    const taken = await b.threads.run(thread.id, "turns");
    expect(taken.output).toBe("1");
    expect(await lease(thread.id)).toEqual({ active_run_id: null, lease_until: null });
  });
});
