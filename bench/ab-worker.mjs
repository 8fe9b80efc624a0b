#!/usr/bin/env node
// A/B of two worker sources, side by side in one run: `node bench/ab-worker.mjs <before src>`
// starts `python -m axon_worker` twice, once with <before src> (e.g. a `git worktree` of an older
// commit's python/src) first on PYTHONPATH and once with this checkout's, and drives both with the
// bare grpc-js client in interleaved rounds: 33-event echo streams at 64 in flight (or unary runs
// with --op run; another level with --concurrency N). Prints the medians over rounds: ops/s,
// events/s (streams), CPU per event or run (Node, Python) and the Python CPU split by thread: the
// event loop's (main) and gRPC's own (poller, event engine).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { drive } from "./lib/drive.mjs";
import { bareClients } from "./lib/grpc-client.mjs";
import { STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { socketDir, startWorker, stopPython } from "./lib/python.mjs";
import { median } from "./lib/stats.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "6" },
    op: { type: "string", default: "stream" },
    concurrency: { type: "string", default: "64" },
  },
});
if (positionals.length !== 1) {
  console.error(
    "usage: node bench/ab-worker.mjs <before python/src> [--rounds 6] [--op stream|run] [--concurrency 64]",
  );
  process.exit(2);
}
const sockets = socketDir();
const start = async (name, pythonPath) => {
  const saved = process.env.PYTHONPATH;
  if (pythonPath) process.env.PYTHONPATH = pythonPath;
  try {
    const address = `unix:${join(sockets.dir, `${name}.sock`)}`;
    const { child } = await startWorker("examples.agents.echo:agent", address);
    return { name, child, client: bareClients([address]) };
  } finally {
    if (saved === undefined) delete process.env.PYTHONPATH;
    else process.env.PYTHONPATH = saved;
  }
};
// CPU ms of the worker's main thread and of all its others (gRPC's poller and event-engine
// threads), from /proc/PID/task/TID/stat (utime + stime, in 10 ms clock ticks).
const threadCpu = (pid) => {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    if (tid === String(pid)) main += ms;
    else others += ms;
  }
  return { main, others };
};
const setups = [await start("before", positionals[0]), await start("after")];
const op = (s) =>
  values.op === "run"
    ? s.client.run({ agent: "echo", prompt: UNARY_PROMPT })
    : s.client.stream({ agent: "echo", prompt: STREAM_PROMPT });
const results = Object.fromEntries(setups.map((s) => [s.name, []]));
try {
  for (const s of setups) await drive(() => op(s), { total: 100, concurrency: 16 });
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const s of round % 2 ? [...setups].reverse() : setups) {
      const before = threadCpu(s.child.pid);
      const r = await drive(() => op(s), {
        total: 600,
        concurrency: Number(values.concurrency),
        maxSeconds: 6,
        pids: () => [s.child.pid],
      });
      const after = threadCpu(s.child.pid);
      results[s.name].push({
        mainMsPerItem: (after.main - before.main) / r.items,
        grpcMsPerItem: (after.others - before.others) / r.items,
        perSec: r.perSec,
        itemsPerSec: r.items / r.seconds,
        nodeMsPerItem: (r.cpu.hostMs * r.ops) / r.items,
        pythonMsPerItem: (r.cpu.pythonMs * r.ops) / r.items,
      });
    }
  }
} finally {
  for (const s of setups) {
    s.client.close();
    await stopPython(s.child);
  }
  sockets.remove();
}
const item = values.op === "run" ? "run" : "event";
for (const [name, rows] of Object.entries(results)) {
  const m = (key) => Number(median(rows.map((row) => row[key])).toPrecision(3));
  console.log(
    `${name}: ${m("perSec")} ${values.op}s/s, ` +
      (item === "event" ? `${m("itemsPerSec")} events/s, ` : "") +
      `CPU per ${item} ` +
      `Node ${m("nodeMsPerItem")} ms + Python ${m("pythonMsPerItem")} ms ` +
      `(main thread ${m("mainMsPerItem")}, gRPC threads ${m("grpcMsPerItem")})`,
  );
}
