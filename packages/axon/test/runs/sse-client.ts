// A small SSE reader for the runs tests: numbered events (`id`, `event`, `data`) from a fetch,
// all of them, or the first few before the client hangs up.
export interface SseEvent {
  id: number | undefined;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads, read field by field in the assertions.
  data: any;
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .map((block) => block.split("\n").filter((line) => line !== "" && !line.startsWith(":")))
    .filter((lines) => lines.some((line) => line.startsWith("data:")))
    .map((lines) => {
      const field = (name: string) =>
        lines
          .find((line) => line.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim();
      const id = field("id");
      return {
        id: id === undefined ? undefined : Number(id),
        event: field("event") ?? "message",
        data: JSON.parse(field("data") ?? "null"),
      };
    });
}

/** Reads until `count` events arrived, then hangs up (as a dropped connection would). */
export async function readSome(response: Response, count: number): Promise<SseEvent[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const complete = text.slice(0, text.lastIndexOf("\n\n") + 2);
    const events = parseSse(complete);
    if (events.length >= count) {
      await reader.cancel();
      return events.slice(0, count);
    }
  }
  return parseSse(text);
}
