// An HTTP client of the gateway's stream endpoint (docs/gateway.md, "Stream"), as a browser or a
// service in front of `axon serve` would be: one POST, then the Server-Sent Events read as they
// arrive. Node's fetch (undici) keeps its connections alive and reuses them between streams.

/**
 * POSTs `body` as JSON to `url` and yields each SSE event's data, parsed (`{ type, ... }`, the
 * RunEvent as the library yields it), until the server ends the response. An `error` event throws.
 */
export async function* sseEvents(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  let buffer = "";
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const event = dataOf(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      if (event === undefined) continue;
      if (event.type === "error") throw new Error(`${url}: ${JSON.stringify(event.error)}`);
      yield event;
    }
  }
}

/** The parsed `data:` of one event block, or undefined for a comment (`: keep-alive`). */
function dataOf(block) {
  const data = block
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trimStart());
  return data.length === 0 ? undefined : JSON.parse(data.join("\n"));
}
