// A stream whose reader stops reading must not make the host buffer the whole run: the gRPC
// stream pauses, HTTP/2 flow control holds the worker back, and reading again resumes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";

// One text-delta per word: enough events to overflow every buffer on the way many times over.
const WORDS = 40_000;
const prompt = Array.from({ length: WORDS }, (_, i) => `w${i}`).join(" ");

async function readAll(stream: AsyncIterable<{ type: string; text?: string }>) {
  let text = "";
  for await (const event of stream) if (event.type === "text-delta") text += event.text;
  return text;
}

describe("a slow stream consumer", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon({ echo: { module: "examples.agents.echo:agent" } });
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it(
    "holds the worker back instead of buffering the run, and gets every event once it reads again",
    async () => {
      const slow = axon.stream<string>("echo", prompt);
      const iterator = slow[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value).toMatchObject({ type: "text-delta" });
      let settled = false;
      slow.result.then(
        () => (settled = true),
        () => (settled = true),
      );

      // The same work, twice over, on the same worker, read eagerly: had the paused run been
      // buffered by the host, it would have finished long before these.
      for (let i = 0; i < 2; i++) expect(await readAll(axon.stream("echo", prompt))).toBe(prompt);
      expect(settled).toBe(false);
      expect(axon.status()[0]?.inFlight).toBe(1);

      let text = (first.value as { text: string }).text;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (next.value.type === "text-delta") text += next.value.text;
      }
      expect(text).toBe(prompt);
      expect((await slow.result).output).toBe(prompt);
    },
    STARTUP_TIMEOUT_MS,
  );
});
