// Interleaved measurement: every setup is started first, then measured in rounds, each round
// running every level of every setup for a short slice. Load from elsewhere on a shared machine
// comes and goes in bursts; interleaving spreads a burst over all setups instead of letting it
// land on one, so the ratios between rows stay meaningful even when absolute numbers do not.
import { LEVELS } from "./params.mjs";
import { latencySummary, median } from "./stats.mjs";

/**
 * @param setups objects with `id`, `warmup(n)` and `measure(level, { total, maxSeconds })`
 *   (the latter resolving to a lib/drive.mjs result)
 * @returns {Record<string, Record<number, object>>} per setup id, per level: the aggregate
 */
export async function measureInRounds(setups, p, log) {
  for (const setup of setups) await setup.warmup(p.warmup);
  const slices = Object.fromEntries(
    setups.map((s) => [s.id, Object.fromEntries(LEVELS.map((l) => [l, []]))]),
  );
  for (let round = 0; round < p.rounds; round++) {
    log(`  round ${round + 1}/${p.rounds}`);
    // Rotate the order so that no setup always runs right after the same neighbour.
    const order = setups.map((_, i) => setups[(i + round) % setups.length]);
    for (const level of LEVELS) {
      const total = Math.ceil((level === 1 ? p.latency : p.throughput) / p.rounds);
      for (const setup of order) {
        slices[setup.id][level].push(
          await setup.measure(level, { total, maxSeconds: p.maxSeconds / p.rounds }),
        );
      }
    }
  }
  return Object.fromEntries(
    Object.entries(slices).map(([id, byLevel]) => [
      id,
      Object.fromEntries(
        Object.entries(byLevel).map(([level, runs]) => [level, aggregate(Number(level), runs)]),
      ),
    ]),
  );
}

/**
 * Rates are the median over rounds (a burst of outside load spoils one round, not the result);
 * latencies are percentiles over every run of every round; CPU is the total over the total.
 */
function aggregate(concurrency, runs) {
  const ops = runs.reduce((sum, r) => sum + r.ops, 0);
  const { p50, p99 } = latencySummary(runs.flatMap((r) => r.latencies));
  return {
    concurrency,
    ops,
    rounds: runs.length,
    perSec: median(runs.map((r) => r.ops / r.seconds)),
    itemsPerSec: median(runs.map((r) => r.items / r.seconds)),
    p50,
    p99,
    ttfeP50: latencySummary(runs.flatMap((r) => r.firsts)).p50,
    cpu: {
      hostMs: runs.reduce((sum, r) => sum + r.cpu.hostMs * r.ops, 0) / ops,
      pythonMs: runs.reduce((sum, r) => sum + r.cpu.pythonMs * r.ops, 0) / ops,
    },
  };
}
