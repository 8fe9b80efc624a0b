// GET /v1/agents, GET /v1/agents/:name (descriptions from `Describe` + live worker status)
// POST /v1/agents/:name/restart and POST /v1/agents/:name/reload (rolling, docs/supervision.md).
import type { Hono } from "hono";
import { agentState, workersByAgent } from "../agent-state.js";
import type { AgentInfo } from "../axon-types.js";
import { type GatewayContext, requireAgent } from "../gateway-context.js";

async function describeAll(context: GatewayContext) {
  const infos = await context.axon.agents();
  const byAgent = workersByAgent(context.axon.status());
  return infos.map((info: AgentInfo) => {
    const workers = byAgent.get(info.name) ?? [];
    return { ...info, state: agentState(workers), workers };
  });
}

export function agentRoutes(app: Hono, context: GatewayContext): void {
  app.get("/v1/agents", async (c) => c.json({ agents: await describeAll(context) }));

  app.get("/v1/agents/:name", async (c) => {
    const name = c.req.param("name");
    requireAgent(context, name);
    const agent = (await describeAll(context)).find((info) => info.name === name);
    return c.json(agent ?? { name, state: "stopped", workers: [] });
  });

  app.post("/v1/agents/:name/restart", async (c) => {
    const name = c.req.param("name");
    requireAgent(context, name);
    context.logger.info({ agent: name }, "restart requested over HTTP");
    await context.axon.restart(name);
    return c.json({ restarted: name });
  });

  // A failed reload answers with the new worker's error (worker_start_failed, with the Python
  // traceback in `pythonTraceback`); the old workers keep serving.
  app.post("/v1/agents/:name/reload", async (c) => {
    const name = c.req.param("name");
    requireAgent(context, name);
    context.logger.info({ agent: name }, "reload requested over HTTP");
    const [result] = await context.axon.reload(name);
    return c.json({ reloaded: name, workers: result?.workers ?? 0, durationMs: result?.durationMs ?? 0 });
  });
}
