// The cost of one host tool round trip (docs/tools.md): the `orders` agent answering directly
// (one model request, no tool) against the same agent calling `lookupOrder`, a tool written in
// TypeScript (two round trips: the deferral, then the continuation with the history and the
// result), and a Python tool (`tools`: `add 2 and 3`, the call stays in the worker) for scale.
// The models are FunctionModels, so what is measured is Axon's own cost, not a model's.
//
//   node bench/host-tools.mjs [--ops 400] [--concurrency 1,8]
import { parseArgs } from "node:util";
import { pino } from "pino";
import { z } from "zod";
import { createAxon, tool } from "../packages/axon/dist/index.js";
import { drive } from "./lib/drive.mjs";

const { values } = parseArgs({
  options: { ops: { type: "string", default: "400" }, concurrency: { type: "string", default: "1,8" } },
});
const total = Number(values.ops);
const levels = values.concurrency.split(",").map(Number);

const lookupOrder = tool({
  description: "Look an order up by its id",
  inputSchema: z.object({ id: z.string() }),
  execute: async ({ id }) => ({ id, status: "shipped", total: 99.5 }),
});

const axon = await createAxon(
  {
    python: { cwd: new URL("..", import.meta.url).pathname },
    agents: {
      orders: { module: "examples.agents.orders:agent", maxConcurrency: 64 },
      tools: { module: "examples.agents.tools:agent", maxConcurrency: 64 },
    },
  },
  { logger: pino({ level: "silent" }) },
);

const cases = [
  ["orders, no tool (1 round trip)", () => axon.run("orders", "hello")],
  [
    "orders, 1 host tool call (2 round trips)",
    () => axon.run("orders", "order 42", { tools: { lookupOrder } }),
  ],
  ["tools, 1 Python tool call (1 round trip)", () => axon.run("tools", "add 2 and 3")],
];

try {
  const rows = [];
  for (const concurrency of levels) {
    for (const [label, op] of cases) {
      const pids = () => axon.status().map((worker) => worker.pid);
      const r = await drive(op, { total, concurrency, warmup: 20, maxSeconds: 30, pids });
      rows.push({ label, concurrency, ops: r.ops, perSec: r.perSec, p50: r.p50, p99: r.p99 });
    }
  }
  console.log("| case | in flight | ops | runs/s | p50 ms | p99 ms |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    const cells = [r.label, r.concurrency, r.ops, r.perSec.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2)];
    console.log(`| ${cells.join(" | ")} |`);
  }
} finally {
  await axon.close();
}
