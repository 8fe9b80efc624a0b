// GET /healthz: 200 when every agent has a ready worker, else 503; never needs a token. 503
// with `state: "draining"` once the gateway stops, so that a load balancer takes it out first.
import type { Hono } from "hono";
import { agentState, workersByAgent } from "../agent-state.js";
import type { GatewayContext } from "../gateway-context.js";

export function healthRoutes(app: Hono, context: GatewayContext): void {
  app.get("/healthz", (c) => {
    const agents: Record<string, string> = {};
    for (const [name, workers] of workersByAgent(context.axon.status())) agents[name] = agentState(workers);
    const states = Object.values(agents);
    // `degraded` still serves runs (another instance is ready), so it counts as healthy.
    if (context.draining) return c.json({ ok: false, state: "draining", agents }, 503);
    const ok = states.length > 0 && states.every((state) => state === "ready" || state === "degraded");
    return c.json({ ok, agents }, ok ? 200 : 503);
  });
}
