// `npm run soak [-- --duration 60 --concurrency 32 --kill-every 2000 --restart-every 3000 --json]`:
// steady mixed load on the demo agents through the HTTP gateway (loopback only) while a killer
// SIGKILLs a random worker every ~2 s and a restarter sends bursts of concurrent restarts of a
// random agent every ~3 s (0 turns either off). Prints the figures, checks the invariants, exits 1
// when one breaks.
// Needs the built package (`npm run build`). See docs/reliability.md.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { createAxon } from "axon-agents";
import { pino } from "pino";
import { serveGateway } from "../packages/axon/dist/gateway/index.js";
import { send } from "./client.mjs";
import { alive, children, snapshot } from "./host-probe.mjs";
import { startKiller } from "./killer.mjs";
import { createTally, invariants, print } from "./report.mjs";
import { requestKinds } from "./requests.mjs";
import { startRestarter } from "./restarter.mjs";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    concurrency: { type: "string", default: "32" },
    "kill-every": { type: "string", default: "2000" },
    "restart-every": { type: "string", default: "3000" },
    json: { type: "boolean", default: false },
  },
});
const durationS = Number(args.duration);
const concurrency = Number(args.concurrency);
const killEveryMs = Number(args["kill-every"]);
const restartEveryMs = Number(args["restart-every"]);
const repoRoot = new URL("..", import.meta.url).pathname;

const axon = await createAxon(
  {
    python: { cwd: repoRoot },
    agents: {
      // Two instances each, as a deployment that cares about availability would run them: a run
      // whose worker was killed is retried on the sibling while the killed one boots again.
      echo: { module: "examples.agents.echo:agent", instances: 2 },
      structured: { module: "examples.agents.structured:agent", instances: 2 },
      tools: { module: "examples.agents.tools:agent", instances: 2 },
      chaos: { module: "examples.agents.chaos:agent", instances: 2 },
    },
    // The killer, not a flapping agent, is under test: a kill every ~2 s over five workers may hit
    // one agent three times in 5 s, which the default intensity would (rightly) call failing.
    supervisor: { maxRestarts: 20, withinMs: 10_000 },
    startTimeoutMs: 120_000,
  },
  { logger: pino({ level: "silent" }) },
);
const gateway = await serveGateway({ axon, port: 0 });
const pids = new Set(axon.status().map((w) => w.pid));
let restarts = 0;
const exitedAt = new Map();
const restartMs = [];
axon.on("worker-started", (w) => pids.add(w.pid));
axon.on("worker-exited", (w) => exitedAt.set(`${w.agent}-${w.instance}`, performance.now()));
axon.on("worker-restarted", (w) => {
  restarts += 1;
  restartMs.push(performance.now() - exitedAt.get(`${w.agent}-${w.instance}`));
});
const socketDir = dirname(axon.status()[0].address.replace(/^unix:/, ""));

// Warm up every kind (connections, caches, lazy imports), then take the baseline.
for (const kind of requestKinds) await send(gateway.url, kind, 1);
const baseline = await snapshot();

const tally = createTally();
const until = Date.now() + durationS * 1000;
let n = 0;
const client = async () => {
  while (Date.now() < until) {
    const kind = requestKinds[n % requestKinds.length];
    n += 1;
    tally.add(kind.name, await send(gateway.url, kind, n));
  }
};
const killer = startKiller(axon, killEveryMs);
const restarter = startRestarter(gateway.url, ["echo", "structured", "tools", "chaos"], restartEveryMs);
await Promise.all(Array.from({ length: concurrency }, client));
const kills = killer.stop();
const restartRequests = await restarter.stop();

// Recovery: every worker ready again, then idle keep-alive connections time out (Node's server
// closes them after 5 s) before the host's fds are compared with the baseline.
const recovered = await until_(() => axon.status().every((w) => w.state === "ready"), 60_000);
let after = await snapshot();
await until_(async () => {
  after = await snapshot();
  return after.fds <= baseline.fds && after.sockets <= baseline.sockets;
}, 15_000);
// What really runs against what status() lists: a restart that leaked a worker shows up here.
const listed = axon
  .status()
  .map((w) => w.pid)
  .filter(Boolean)
  .sort((a, b) => a - b);
const running = children().sort((a, b) => a - b);

await gateway.close();
await axon.close();
await until_(() => [...pids].every((pid) => !alive(pid)), 5000);
const orphans = [...new Set([...[...pids].filter(alive), ...children()])];

const summary = {
  durationS,
  concurrency,
  killEveryMs,
  restartEveryMs,
  load: tally.summary(),
  kills,
  restartRequests,
  workers: { listed, running },
  restarts,
  restartMs: { p50: quantile(restartMs, 0.5), max: quantile(restartMs, 1) },
  recovered,
  baseline,
  after,
  orphans,
  socketDirLeft: existsSync(socketDir),
};
const checks = invariants(summary);
if (args.json) process.stdout.write(`${JSON.stringify({ ...summary, invariants: checks })}\n`);
else print(summary, checks);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function until_(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Boolean(await check());
}
