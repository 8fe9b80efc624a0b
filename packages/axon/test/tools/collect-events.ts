import type { RunEvent } from "../../src/index.js";

/** Every event of a streamed run, in order (the last is `result`). */
export async function collectEvents(stream: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}
