// GET /v1/events: the dashboard's live feed as SSE (`status`, `log` and `worker` events).
import type { Hono } from "hono";
import { createBoundedQueue } from "../bounded-queue.js";
import type { GatewayContext } from "../gateway-context.js";
import type { LiveEvent } from "../live-events.js";
import { openSse } from "../open-sse.js";

/** The feed's path: it never ends by itself, so a graceful stop does not wait for it. */
export const LIVE_EVENTS_PATH = "/v1/events";

/**
 * Events a subscriber may fall behind before it is disconnected (it reconnects and starts from a
 * fresh snapshot and the log backlog). Without a bound, readers that stopped reading grew the
 * host by everything logged since: 10 of them and 300k log lines took it from 79 to 752 MiB.
 */
export const MAX_PENDING_EVENTS = 1000;

export function eventsRoute(app: Hono, context: GatewayContext): void {
  app.get(LIVE_EVENTS_PATH, (c) =>
    openSse(c, {}, async ({ signal, send, stream }) => {
      const queue = createBoundedQueue<LiveEvent>(MAX_PENDING_EVENTS);
      const unsubscribe = context.live.subscribe((event) => queue.push(event));
      const overflowed = queue.overflowed.then(() => false);
      try {
        for (let event = await queue.next(signal); event; event = await queue.next(signal)) {
          // A write stuck on a reader that stopped reading must not keep the loop (and the
          // subscription) alive: the overflow ends it.
          if (!(await Promise.race([send(event.data, event.event), overflowed]))) break;
        }
      } finally {
        unsubscribe();
        queue.clear();
        if (!signal.aborted) stream.abort();
      }
    }),
  );
}
