// `axon.runs` as a library, on both stores with a real worker: a run started, read and followed
// through its event log; a webhook refused without a secret; and a stop that gives the runs still
// queued back to the store, for the next process to pick up and run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Axon, isRunError } from "../../src/index.js";
import { RunStore } from "../../src/runs/run-store.js";
import { openStore } from "../../src/storage/open-store.js";
import { eventually } from "../gateway/serve-process.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { openTestStore, storeKinds, type TestStore } from "../threads/thread-stores.js";

const agents = { chaos: { module: "examples.agents.chaos:agent" } };

describe.each(storeKinds)("axon.runs on the %s store", (kind) => {
  let store: TestStore;
  let axon: Axon | undefined;
  beforeAll(async () => {
    store = await openTestStore(kind);
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await axon?.close({ graceMs: 2000 });
    await store?.close();
  });
  const start = () => startAxon(agents, { storage: store.storage, runs: { heartbeatMs: 200 } });

  it(
    "starts a run, reads it, follows its events, and refuses a webhook without a secret",
    async () => {
      axon = await start();
      const run = await axon.runs.start({ agent: "chaos", prompt: "hello" });
      const events = [];
      for await (const event of await axon.runs.events(run.id)) events.push(event);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.at(-1)).toMatchObject({ type: "result", data: { result: { output: "ok" } } });
      expect(await axon.runs.get(run.id)).toMatchObject({ status: "succeeded", result: { output: "ok" } });
      const refused = await axon.runs
        .start({ agent: "chaos", prompt: "x", webhook: "https://example.com/hook" })
        .catch((error: unknown) => error);
      expect(isRunError(refused) && refused.code).toBe("webhook_unsigned");
      const unknown = await axon.runs.get("no-such-run").catch((error: unknown) => error);
      expect(isRunError(unknown) && unknown.code).toBe("run_not_found");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "gives the runs still queued back to the store when it stops, and the next process runs them",
    async () => {
      axon ??= await start();
      const thread = await axon.threads.create({ agent: "chaos" });
      const running = await axon.runs.start({ threadId: thread.id, prompt: "sleep 1" });
      await eventually(async () => (await axon?.runs.get(running.id))?.status === "running");
      const queued = await axon.runs.start({ threadId: thread.id, prompt: "turns" });
      const dropped = await axon.runs.start({ threadId: thread.id, prompt: "turns" });
      expect(queued.status).toBe("queued");
      await axon.close({ graceMs: 10_000 });
      axon = undefined;
      // Cancelled while no process holds it: it ends cancelled, never run.
      const raw = await openStore(storeOptions(store));
      expect(await new RunStore(raw.db).requestCancel(dropped.id)).toBe(true);
      await raw.close();

      axon = await start();
      await axon.runs.recover();
      expect((await axon.runs.get(running.id)).status).toBe("succeeded");
      await eventually(async () => (await axon?.runs.get(queued.id))?.status === "succeeded", 30_000);
      expect((await axon.runs.get(queued.id)).result).toMatchObject({ output: "2" });
      expect(await axon.runs.get(dropped.id)).toMatchObject({ status: "cancelled", startedAt: null });
      expect((await axon.threads.get(thread.id)).messageCount).toBe(6); // sleep: 4 messages (a tool round trip), turns: 2
    },
    STARTUP_TIMEOUT_MS,
  );
});

function storeOptions(store: TestStore) {
  const { url, dir } = store.storage;
  return url ? { url } : { dir: dir as string };
}
