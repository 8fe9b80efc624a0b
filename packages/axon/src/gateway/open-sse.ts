// Server-Sent Events with what every Axon stream needs: a signal that fires when the client
// goes away (so the run is cancelled on the worker), keep-alive comments so proxies do not
// drop an idle stream, and no buffering by nginx-like proxies.
import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";

export interface SseSession {
  stream: SSEStreamingApi;
  /** Aborted when the client disconnects (or the stream ends). */
  signal: AbortSignal;
  /** Writes one `data:` event (with an `event:` name if given); false once the client is gone. */
  send(data: unknown, event?: string): Promise<boolean>;
}

/** Keep-alive period: below the 30-60 s idle timeouts common in proxies and load balancers. */
const KEEP_ALIVE_MS = 15_000;

export function openSse(
  c: Context,
  headers: Record<string, string>,
  body: (session: SseSession) => Promise<void>,
): Response {
  c.header("X-Accel-Buffering", "no");
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return streamSSE(c, async (stream) => {
    const gone = new AbortController();
    const abort = () => gone.abort();
    stream.onAbort(abort);
    c.req.raw.signal.addEventListener("abort", abort, { once: true });
    const keepAlive = setInterval(() => {
      stream.write(": keep-alive\n\n").catch(abort);
    }, KEEP_ALIVE_MS);
    const send = async (data: unknown, event?: string) => {
      if (gone.signal.aborted) return false;
      try {
        await stream.writeSSE({ data: typeof data === "string" ? data : JSON.stringify(data), event });
        return true;
      } catch {
        abort();
        return false;
      }
    };
    try {
      await body({ stream, signal: gone.signal, send });
    } finally {
      clearInterval(keepAlive);
      c.req.raw.signal.removeEventListener("abort", abort);
    }
  });
}
