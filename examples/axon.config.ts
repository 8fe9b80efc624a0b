// The demo: five offline agents (FunctionModel, no network), `echo` with two instances.
// `npm start` / `npx axon ...` use this file when no axon.config.* is in the current directory.
import { defineConfig, tool } from "axon-agents";
import { z } from "zod";

// The business logic stays in TypeScript: the `orders` agent (Python) calls these tools.
const orders: Record<string, { status: string; total: number }> = {
  "42": { status: "shipped", total: 99.5 },
  "7": { status: "delivered", total: 12 },
};

const lookupOrder = tool({
  description: "Look an order up by its id",
  inputSchema: z.object({ id: z.string().regex(/^\d+$/, "an order id is digits") }),
  execute: async ({ id }) => {
    const order = orders[id];
    if (!order) throw new Error(`no order ${id}`);
    return { id, ...order };
  },
});

const refund = tool({
  description: "Refund an order in full",
  inputSchema: z.object({ id: z.string() }),
  needsApproval: true, // money leaves: a person says yes first
  execute: async ({ id }) => ({ id, refunded: orders[id]?.total ?? 0 }),
});

export default defineConfig({
  // The agents are imported as `examples.agents.*`, so the workers run from the repo root.
  python: { cwd: ".." },
  agents: {
    echo: { module: "examples.agents.echo:agent", instances: 2 },
    structured: { module: "examples.agents.structured:agent" },
    tools: { module: "examples.agents.tools:agent" },
    chaos: { module: "examples.agents.chaos:agent", timeoutMs: 60_000 },
    orders: { module: "examples.agents.orders:agent", tools: { lookupOrder, refund } },
  },
});
