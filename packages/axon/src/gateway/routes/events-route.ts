// GET /v1/events: the dashboard's live feed as SSE (`status`, `log` and `worker` events).
import type { Hono } from "hono";
import type { GatewayContext } from "../gateway-context.js";
import type { LiveEvent } from "../live-events.js";
import { openSse } from "../open-sse.js";

/** The feed's path: it never ends by itself, so a graceful stop does not wait for it. */
export const LIVE_EVENTS_PATH = "/v1/events";

export function eventsRoute(app: Hono, context: GatewayContext): void {
  app.get(LIVE_EVENTS_PATH, (c) =>
    openSse(c, {}, async ({ signal, send }) => {
      // Events are queued and written in order: `send` is async, subscribers are not.
      let chain = Promise.resolve(true);
      const push = (event: LiveEvent) => {
        chain = chain.then(() => send(event.data, event.event));
      };
      const unsubscribe = context.live.subscribe(push);
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
      unsubscribe();
      await chain;
    }),
  );
}
