// A worker that drains (SIGTERM to its pid: Kubernetes, systemd, an operator) refuses new runs
// with agent_unavailable + `draining`; the run never started there, so Axon sends it elsewhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon, WorkerLogRecord } from "../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon, waitFor } from "./helpers/start-axon.js";

let axon: Axon;
const records: WorkerLogRecord[] = [];

beforeAll(async () => {
  axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent", instances: 2 } });
  axon.on("log", (record) => records.push(record));
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
});

async function sleeping(runId: string): Promise<WorkerLogRecord> {
  await waitFor(() => records.some((r) => r.runId === runId && r.message.startsWith("sleeping")));
  return records.find((r) => r.runId === runId && r.message.startsWith("sleeping")) as WorkerLogRecord;
}

describe("a draining worker", () => {
  it(
    "refuses a new run, which Axon sends to the other instance without the caller seeing it",
    async () => {
      // Routing is least-in-flight, the first instance on a tie: the first sleeper lands on the
      // worker that a run sent at a tie (one sleeper each) lands on too. Drain that one, once
      // both sleepers run on their workers (a lease is taken before the call arrives there).
      const first = axon.run<string>("chaos", "sleep 2", { runId: "first" });
      const draining = (await sleeping("first")).pid;
      const second = axon.run<string>("chaos", "sleep 2", { runId: "second" });
      expect((await sleeping("second")).pid).not.toBe(draining);
      process.kill(draining as number, "SIGTERM");
      await waitFor(() =>
        records.some((r) => r.pid === draining && r.message.startsWith("stopping (SIGTERM): 1 run")),
      );

      const result = await axon.run<string>("chaos", "ok", { runId: "sent-while-draining" });

      expect(result.output).toBe("ok");
      const refusal = records.find((r) => r.runId === "sent-while-draining" && r.message.includes("refused"));
      expect(refusal).toMatchObject({
        pid: draining,
        message: "run sent-while-draining refused: the worker is draining",
      });
      // The runs in flight on the draining worker finish: draining loses nothing.
      expect((await first).output).toBe("slept 2");
      expect((await second).output).toBe("slept 2");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "is replaced, and its replacement serves again",
    async () => {
      await waitFor(
        () => axon.status().filter((s) => s.agent === "chaos" && s.state === "ready").length === 2,
      );
      const results = await Promise.all([axon.run<string>("chaos", "ok"), axon.run<string>("chaos", "ok")]);
      expect(results.map((r) => r.output)).toEqual(["ok", "ok"]);
    },
    STARTUP_TIMEOUT_MS,
  );
});
