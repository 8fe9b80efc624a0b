#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only transport,axon,remote]`: measures every setup in one run on
// this machine, prints the tables and writes bench/results/latest.json. See docs/benchmarks.md.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startAxonSetups } from "./axon.mjs";
import { startFramework } from "./framework.mjs";
import { benchLatency } from "./latency.mjs";
import { enableBytecodeCache } from "./lib/bytecode-cache.mjs";
import { machine } from "./lib/machine.mjs";
import { params } from "./lib/params.mjs";
import { repoRoot } from "./lib/python.mjs";
import { measureInRounds } from "./lib/rounds.mjs";
import { benchLifecycle } from "./lifecycle.mjs";
import { benchReload } from "./reload.mjs";
import { startRemoteHosts } from "./remote.mjs";
import { report } from "./report.mjs";
import { startStdioBridge } from "./stdio-bridge.mjs";
import { startTracing } from "./tracing.mjs";
import { startTransport } from "./transport.mjs";
import { startWorkerDirect } from "./worker-direct.mjs";

/** Sections whose setups are measured together, in interleaved rounds. */
const SETUPS = {
  transport: startTransport,
  framework: startFramework,
  stdio: startStdioBridge,
  worker: startWorkerDirect,
  axon: startAxonSetups,
  remote: startRemoteHosts,
  tracing: startTracing,
};
const SECTIONS = [...Object.keys(SETUPS), "lifecycle", "reload", "latency"];

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, only: { type: "string" } },
});
const only = values.only?.split(",") ?? SECTIONS;
const unknown = only.filter((name) => !SECTIONS.includes(name));
if (unknown.length > 0) {
  console.error(`bench: unknown section ${unknown.join(", ")}; sections: ${SECTIONS.join(", ")}`);
  process.exit(2);
}
if (!existsSync(join(repoRoot, "packages/axon/dist/index.js"))) {
  console.error("bench: packages/axon/dist is missing; run `npm run build` first.");
  process.exit(1);
}
const p = params(values.quick);
const bytecodeBefore = enableBytecodeCache();
// Axon's own warnings (e.g. "worker exited" after the recovery test's SIGKILL) would litter the table.
process.env.AXON_LOG_LEVEL ??= "error";

const started = performance.now();
const log = (line) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s]${line}`);
const results = {
  date: new Date().toISOString(),
  params: p,
  machine: { ...machine(), pythonDontWriteBytecode: bytecodeBefore.dontWrite ?? null },
  subjects: {},
  rss: {},
};

const names = only.filter((name) => name in SETUPS);
if (names.length > 0) {
  log(` starting ${names.join(", ")}`);
  const started = [];
  try {
    for (const name of names) started.push(await SETUPS[name](p));
    const setups = started.flatMap((section) => section.setups);
    log(` measuring ${setups.length} setups in ${p.rounds} interleaved rounds`);
    const levels = await measureInRounds(setups, p, log);
    for (const s of setups) {
      const latency = {
        p50: levels[s.id][1].p50,
        p99: levels[s.id][1].p99,
        ttfeP50: levels[s.id][1].ttfeP50,
      };
      results.subjects[s.id] = {
        label: s.label,
        processes: s.processes,
        op: s.op,
        latency,
        levels: levels[s.id],
      };
    }
    for (const section of started) Object.assign(results.rss, section.rss());
    const axon = started.find((section) => section.held);
    if (axon) {
      log(` ${p.heldStreams} concurrent streams`);
      results.held = await axon.held(p.heldStreams);
    }
  } finally {
    await Promise.all(started.map((section) => section.stop()));
  }
}
if (only.includes("lifecycle")) {
  log(" lifecycle");
  results.lifecycle = (await benchLifecycle(p, log)).lifecycle;
}
if (only.includes("reload")) {
  log(" reload");
  results.reload = await benchReload(p, log);
}
if (only.includes("latency")) {
  log(" latency-bound streams");
  results.latency = await benchLatency(p, log);
}
results.seconds = (performance.now() - started) / 1000;
results.machine.loadavgAfter = loadavg().map((x) => Number(x.toFixed(2)));

const table = report(results);
console.log(table);
const m = results.machine;
console.log(
  `\n${m.nproc} CPUs (${m.cpu}), Node ${m.node}, Python ${m.python}, pydantic-ai ${m.pydanticAi}, ` +
    `grpcio ${m.grpcio}; load ${m.loadavg.join(" ")} -> ${m.loadavgAfter.join(" ")}; ` +
    `${values.quick ? "quick" : "full"} run in ${results.seconds.toFixed(0)} s`,
);
mkdirSync(join(repoRoot, "bench/results"), { recursive: true });
writeFileSync(
  join(repoRoot, "bench/results/latest.json"),
  `${JSON.stringify({ ...results, table }, null, 2)}\n`,
);
