#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only transport,axon]`: measures every setup in one run on
// this machine, prints the tables and writes bench/results/latest.json. See docs/benchmarks.md.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchAxon } from "./axon.mjs";
import { benchFramework } from "./framework.mjs";
import { enableBytecodeCache } from "./lib/bytecode-cache.mjs";
import { machine } from "./lib/machine.mjs";
import { params } from "./lib/params.mjs";
import { repoRoot } from "./lib/python.mjs";
import { benchLifecycle } from "./lifecycle.mjs";
import { report } from "./report.mjs";
import { benchStdioBridge } from "./stdio-bridge.mjs";
import { benchTransport } from "./transport.mjs";
import { benchWorkerDirect } from "./worker-direct.mjs";

const SECTIONS = {
  transport: benchTransport,
  framework: benchFramework,
  stdio: benchStdioBridge,
  worker: benchWorkerDirect,
  axon: benchAxon,
  lifecycle: benchLifecycle,
};

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, only: { type: "string" } },
});
const only = values.only?.split(",") ?? Object.keys(SECTIONS);
const bytecodeBefore = enableBytecodeCache();
// Axon's own warnings (e.g. "worker exited" after the recovery test's SIGKILL) would litter the table.
process.env.AXON_LOG_LEVEL ??= "error";
const p = params(values.quick);

if (!existsSync(join(repoRoot, "packages/axon/dist/index.js"))) {
  console.error("bench: packages/axon/dist is missing; run `npm run build` first.");
  process.exit(1);
}

const started = performance.now();
const log = (line) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s]${line}`);
const results = {
  date: new Date().toISOString(),
  params: p,
  machine: { ...machine(), pythonDontWriteBytecode: bytecodeBefore.dontWrite ?? null },
  subjects: {},
  rss: {},
};
for (const name of only) {
  log(` ${name}`);
  const section = await SECTIONS[name](p, log);
  Object.assign(results.subjects, section.subjects);
  Object.assign(results.rss, section.rss);
  for (const key of ["lifecycle", "held"]) if (section[key]) results[key] = section[key];
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
