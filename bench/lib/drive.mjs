// A closed-loop load driver: `concurrency` callers, each starting its next operation as soon as
// the previous one ends, until `total` operations have run. Closed loop (not a fixed arrival
// rate) because the question is the most a setup can do with N requests in flight.
import { performance } from "node:perf_hooks";
import { cpuNow, cpuPerOp } from "./cpu.mjs";
import { latencySummary } from "./stats.mjs";

/**
 * Runs `op` `total` times with `concurrency` in flight, after `warmup` sequential calls; stops
 * starting new ones after `maxSeconds`, so a loaded machine makes a run shorter, not longer.
 * `op` may resolve to `{ items, firstMs }`: items counted (streamed events; default 1) and the
 * time to its first item (streams). `pids()` lists the Python processes serving it, for CPU per op.
 * @returns {{ concurrency, ops, seconds, items, latencies, firsts, cpu, perSec, p50, p99 }} times in ms
 */
export async function drive(op, { total, concurrency, warmup = 0, maxSeconds = Infinity, pids = () => [] }) {
  for (let i = 0; i < warmup; i++) await op();
  const latencies = [];
  const firsts = [];
  let items = 0;
  let started = 0;
  const deadline = performance.now() + maxSeconds * 1000;
  const caller = async () => {
    while (started < total && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      const outcome = (await op()) ?? {};
      latencies.push(performance.now() - t0);
      items += outcome.items ?? 1;
      if (outcome.firstMs !== undefined) firsts.push(outcome.firstMs);
    }
  };
  const cpu0 = cpuNow(pids());
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuPerOp(cpu0, cpuNow(pids()), latencies.length);
  const ops = latencies.length;
  return {
    concurrency,
    ops,
    seconds,
    items,
    latencies,
    firsts,
    cpu,
    perSec: ops / seconds,
    ...latencySummary(latencies),
  };
}
