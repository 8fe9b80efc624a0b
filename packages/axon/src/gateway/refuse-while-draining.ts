// While the gateway drains (its process is stopping), a new request is refused with 503 +
// `Retry-After` and `Connection: close`, so that the client retries on another instance over a
// new connection; requests already in flight are not affected. /healthz answers its own 503.
import type { MiddlewareHandler } from "hono";
import { ShuttingDownError } from "../errors/shutting-down-error.js";
import type { GatewayContext } from "./gateway-context.js";

export function refuseWhileDraining(context: GatewayContext): MiddlewareHandler {
  return async (c, next) => {
    if (!context.draining || c.req.path === "/healthz") return next();
    // A keep-alive connection would bring the client's next request back to this instance.
    c.header("Connection", "close");
    throw new ShuttingDownError({ message: "the gateway is shutting down: retry on another instance" });
  };
}
