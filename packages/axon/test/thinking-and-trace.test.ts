import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon, RunEvent, WorkerLogRecord } from "../src/index.js";
import { startAxon } from "./helpers/start-axon.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

let axon: Axon;
const logs: WorkerLogRecord[] = [];
beforeAll(async () => {
  axon = await startAxon({ thinker: { module: "thinker:agent" } }, { python: { cwd: fixtures } });
  axon.on("log", (record) => logs.push(record));
}, 120_000);
afterAll(() => axon?.close());

describe("thinking and trace context", () => {
  it("streams the model's thinking as thinking-delta events before its text", async () => {
    const events: RunEvent[] = [];
    for await (const event of axon.stream("thinker", "what is the answer?")) events.push(event);
    const kinds = events.map((event) => event.type);
    expect(
      events
        .filter((e) => e.type === "thinking-delta")
        .map((e) => (e as { text: string }).text)
        .join(""),
    ).toBe("Let me think.");
    expect(kinds.lastIndexOf("thinking-delta")).toBeLessThan(kinds.indexOf("text-delta"));
    expect(events.at(-1)).toMatchObject({ type: "result", result: { output: "The answer is 42." } });
  });

  it("carries the caller's traceparent into the worker: its log records bear it and the run id", async () => {
    const result = await axon.run("thinker", "trace me", {
      runId: "traced-run",
      metadata: { traceparent: TRACEPARENT },
    });
    expect(result.output).toBe("The answer is 42.");
    await expect
      .poll(() => logs.find((record) => record.runId === "traced-run" && record.logger === "thinker"))
      .toMatchObject({
        message: "thinking",
        agent: "thinker",
        traceparent: TRACEPARENT,
      });
  });

  it("makes a fresh traceparent for a run that brings none", async () => {
    await axon.run("thinker", "no trace", { runId: "untraced-run" });
    const find = () => logs.find((r) => r.runId === "untraced-run" && r.logger === "thinker");
    await expect.poll(find).toBeDefined();
    expect(find()?.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(find()?.traceparent).not.toBe(TRACEPARENT);
  });
});
