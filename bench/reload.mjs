// Section `reload` (issue 17): how long a rolling reload of one worker takes (`axon.reload`:
// boot the new process, switch, drain the old one), and what it costs the runs under way: the
// p99 latency of unary runs sent while reloads happen against the p99 of the same load without.
import { startAxon } from "./lib/axon-host.mjs";
import { UNARY_PROMPT } from "./lib/params.mjs";
import { median, percentile } from "./lib/stats.mjs";
import { markdownTable } from "./lib/table.mjs";

const LOAD_CONCURRENCY = 8;

/** @returns {Promise<object>} the `reload` section of results/latest.json */
export async function benchReload(p, log) {
  const repeats = p.quick ? 2 : 5;
  const one = await startAxon({ instances: 1 });
  const reloadMs = [];
  try {
    await one.run("echo", UNARY_PROMPT);
    for (let i = 0; i < repeats; i++) {
      log(`  reload of 1 worker (${i + 1}/${repeats})`);
      const t0 = performance.now();
      await one.reload("echo");
      reloadMs.push(performance.now() - t0);
    }
  } finally {
    await one.close();
  }

  const two = await startAxon({ instances: 2 });
  try {
    const steadyMs = p.quick ? 2000 : 4000;
    // Warm both workers up first: their first runs (imports, JIT) are not the steady state.
    await underLoad(two, () => new Promise((resolve) => setTimeout(resolve, 1000)));
    log(`  p99 under load (${LOAD_CONCURRENCY} at a time), steady for ${steadyMs} ms`);
    const steady = await underLoad(two, () => new Promise((resolve) => setTimeout(resolve, steadyMs)));
    log(`  p99 under the same load during ${repeats} reloads of 2 workers`);
    const during = await underLoad(two, async () => {
      for (let i = 0; i < repeats; i++) await two.reload("echo");
    });
    const sorted = (values) => [...values].sort((a, b) => a - b);
    return {
      reloadOneMs: median(reloadMs),
      reloadOneAllMs: reloadMs,
      steadyP99Ms: percentile(sorted(steady.latencies), 0.99),
      duringP99Ms: percentile(sorted(during.latencies), 0.99),
      steadyRuns: steady.latencies.length,
      duringRuns: during.latencies.length,
      failedRuns: steady.failed + during.failed,
    };
  } finally {
    await two.close();
  }
}

/** Unary runs back to back, LOAD_CONCURRENCY at a time, while `window()` runs; their latencies. */
async function underLoad(axon, window) {
  let running = true;
  const latencies = [];
  let failed = 0;
  const loops = Array.from({ length: LOAD_CONCURRENCY }, async () => {
    while (running) {
      const t0 = performance.now();
      try {
        await axon.run("echo", UNARY_PROMPT);
        latencies.push(performance.now() - t0);
      } catch {
        failed += 1;
      }
    }
  });
  await window();
  running = false;
  await Promise.all(loops);
  return { latencies, failed };
}

/** The section's table for report.mjs. */
export function reloadTable(reload) {
  if (!reload) return "";
  const ms = (value) => (value === undefined ? "-" : `${value.toFixed(1)} ms`);
  const ratio = reload.duringP99Ms / reload.steadyP99Ms;
  return markdownTable(
    ["reload", "value"],
    [
      ["rolling reload of 1 worker (`axon.reload`, median)", ms(reload.reloadOneMs)],
      [`p99 of unary runs, ${LOAD_CONCURRENCY} at a time, 2 workers, no reload`, ms(reload.steadyP99Ms)],
      ["p99 of the same runs during rolling reloads", ms(reload.duringP99Ms)],
      ["ratio: p99 during a reload / p99 without", Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : "-"],
      ["runs failed during the reloads", String(reload.failedRuns)],
    ],
  );
}
