// GET /openapi.json and GET /metrics.
import type { Hono } from "hono";
import type { GatewayContext } from "../gateway-context.js";
import { openApiDocument } from "../openapi.js";

export function metaRoutes(app: Hono, context: GatewayContext): void {
  const document = openApiDocument();
  app.get("/openapi.json", (c) => c.json(document));
  app.get("/metrics", (c) => {
    c.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return c.body(context.metrics.render(context.axon.status()));
  });
}
