// `axon serve` processes over a store: one killed with SIGKILL mid-run and started again (its
// running run is `interrupted`, its queued one picked up, the thread intact), and, on PostgreSQL,
// two gateways sharing it (a stream started on one resumed on the other with Last-Event-ID,
// nothing lost or repeated; a cancel sent to the one that does not run it).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type ServeProcess, servingUrl, spawnServe } from "../gateway/serve-process.js";
import { repoRoot, STARTUP_TIMEOUT_MS } from "../helpers/start-axon.js";
import { openTestStore, storeKinds, type TestStore } from "../threads/thread-stores.js";
import { parseSse, readSome } from "./sse-client.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field in the assertions.
type Json = Record<string, any>;

const post = async (url: string, path: string, body: unknown): Promise<Response> =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const getJson = async (url: string, path: string): Promise<Json> =>
  (await fetch(`${url}${path}`)).json() as Promise<Json>;

describe.each(storeKinds)("axon serve over the %s store", (kind) => {
  let store: TestStore;
  let dir: string;
  let config: string;
  const serves: ServeProcess[] = [];
  const serve = async () => {
    const process = spawnServe(["--port", "0", "--config", config]);
    serves.push(process);
    return servingUrl(process);
  };
  beforeAll(async () => {
    store = await openTestStore(kind);
    dir = mkdtempSync(join(tmpdir(), "axon-serve-runs-"));
    config = join(dir, "axon.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        python: { cwd: repoRoot },
        agents: { chaos: { module: "examples.agents.chaos:agent" } },
        storage: store.storage,
        runs: { heartbeatMs: 200 },
        supervisor: { backoff: { initialMs: 50, maxMs: 200 } },
      }),
    );
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    for (const process of serves) {
      if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill("SIGKILL");
      await process.exit;
    }
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "marks the run of a gateway killed with SIGKILL interrupted at the next start, keeps the thread, and picks up the queued run",
    async () => {
      const first = await serve();
      const thread = (await (await post(first, "/v1/threads", { agent: "chaos" })).json()) as Json;
      await post(first, `/v1/threads/${thread.id}/runs`, { prompt: "turns" }); // one turn kept
      const running = (await (
        await post(first, `/v1/threads/${thread.id}/runs`, { prompt: "sleep 30", background: true })
      ).json()) as Json;
      await eventually(async () => (await getJson(first, `/v1/runs/${running.id}`)).status === "running");
      const queued = (await (
        await post(first, `/v1/threads/${thread.id}/runs`, {
          prompt: "turns",
          background: true,
          onBusy: "enqueue",
        })
      ).json()) as Json;
      expect(queued.status).toBe("queued");
      const killed = serves.at(-1) as ServeProcess;
      killed.child.kill("SIGKILL");
      await killed.exit;

      const second = await serve();
      await eventually(
        async () => (await getJson(second, `/v1/runs/${running.id}`)).status === "interrupted",
        15_000,
      );
      expect((await getJson(second, `/v1/runs/${running.id}`)).error).toMatchObject({ code: "interrupted" });
      await eventually(
        async () => (await getJson(second, `/v1/runs/${queued.id}`)).status === "succeeded",
        30_000,
      );
      // The interrupted run added nothing; the queued one saw the first turn and its own.
      expect((await getJson(second, `/v1/runs/${queued.id}`)).result.output).toBe("2");
      const read = await getJson(second, `/v1/threads/${thread.id}`);
      expect(read.messageCount).toBe(4);
      // Its event stream ends (the run ended), rather than waiting forever.
      const events = parseSse(await (await fetch(`${second}/v1/runs/${running.id}/stream`)).text());
      expect(events[0]).toMatchObject({ id: 1, event: "start" });
    },
    STARTUP_TIMEOUT_MS,
  );

  it.runIf(kind === "postgres")(
    "resumes on a second gateway a stream started on the first, with Last-Event-ID, nothing lost or repeated; and cancels across them",
    async () => {
      const [a, b] = await Promise.all([serve(), serve()]);
      const started = await post(a, "/v1/agents/chaos/runs", { prompt: "sleep 1", stream: true });
      const runId = started.headers.get("x-axon-run-id") as string;
      const head = await readSome(started, 2);
      const last = String(head.at(-1)?.id);
      const rest = parseSse(
        await (await fetch(`${b}/v1/runs/${runId}/stream`, { headers: { "last-event-id": last } })).text(),
      );
      const all = [...head, ...rest];
      expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));
      expect(all.at(-1)).toMatchObject({ event: "result", data: { result: { output: "slept 1" } } });
      const whole = parseSse(await (await fetch(`${a}/v1/runs/${runId}/stream`)).text());
      expect(whole.map((e) => e.data)).toEqual(all.map((e) => e.data));

      const long = (await (await post(a, "/v1/agents/chaos/runs", { prompt: "sleep 30" })).json()) as Json;
      await eventually(async () => (await getJson(b, `/v1/runs/${long.id}`)).status === "running");
      expect((await post(b, `/v1/runs/${long.id}/cancel`, {})).status).toBe(200);
      await eventually(async () => (await getJson(b, `/v1/runs/${long.id}`)).status === "cancelled", 10_000);
    },
    STARTUP_TIMEOUT_MS,
  );
});
