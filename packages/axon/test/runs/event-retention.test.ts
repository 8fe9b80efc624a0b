// The run event log's bounds, on both stores (no worker): the newest `maxEventsPerRun` events of a
// run are kept, numbered without gaps as written; a reader from an id that is gone gets what is
// left; events past their age are swept; the log is read in order after any id.
import { randomUUID } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventLog } from "../../src/runs/run-event-log.js";
import { RunStore } from "../../src/runs/run-store.js";
import { openStore, type Store } from "../../src/storage/open-store.js";
import { openTestStore, storeKinds, type TestStore } from "../threads/thread-stores.js";

describe.each(storeKinds)("the run event log on the %s store", (kind) => {
  let test: TestStore;
  let store: Store;
  let runs: RunStore;
  beforeAll(async () => {
    test = await openTestStore(kind, "axon_events");
    const { url, dir } = test.storage;
    store = await openStore(
      url ? { url } : { dir: isAbsolute(dir as string) ? dir : resolve(dir as string) },
    );
    runs = new RunStore(store.db);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await test?.close();
  });

  const newRun = async () => {
    const id = randomUUID();
    await runs.insertQueued({
      id,
      agent: "a",
      threadId: null,
      owner: "me",
      input: { prompt: "p", options: {} },
      webhookUrl: null,
    });
    return id;
  };

  it("keeps the newest maxEventsPerRun events, and a reader from a lost id gets what is left", async () => {
    const log = new RunEventLog(async () => runs, { maxEventsPerRun: 3, pollMs: 20 });
    const id = await newRun();
    const recorder = log.recorder(id);
    const seqs = Array.from({ length: 7 }, (_, i) =>
      recorder.push("text-delta", { type: "text-delta", text: `${i}` }),
    );
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await recorder.flush();
    await runs.finish(id, { status: "succeeded" });
    const read = [];
    for await (const event of log.read(id, 1, new AbortController().signal)) read.push(event.seq);
    expect(read).toEqual([5, 6, 7]);
  });

  it("follows a live run's tail until it ends, from any id", async () => {
    const log = new RunEventLog(async () => runs, { maxEventsPerRun: 100, pollMs: 20 });
    const id = await newRun();
    await runs.markRunning(id);
    const recorder = log.recorder(id);
    recorder.push("start", { type: "start" });
    const reading = (async () => {
      const seen: number[] = [];
      for await (const event of log.read(id, 1, new AbortController().signal)) seen.push(event.seq);
      return seen;
    })();
    for (let i = 0; i < 5; i++) {
      recorder.push("text-delta", { type: "text-delta", text: `${i}` });
      await new Promise((r) => setTimeout(r, 10));
    }
    await recorder.flush();
    await runs.finish(id, { status: "succeeded" });
    expect(await reading).toEqual([2, 3, 4, 5, 6]);
  });

  it("sweeps events older than the age limit", async () => {
    const id = await newRun();
    await runs.appendEvents(id, [{ seq: 1, type: "start", data: {} }]);
    await runs.deleteEventsBefore(new Date(Date.now() + 60_000));
    expect(await runs.eventsAfter(id, 0)).toEqual([]);
  });
});
