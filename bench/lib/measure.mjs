// One setup, measured the same way as every other: sequential runs for latency (also the @1
// throughput), then each higher concurrency level.
import { drive } from "./drive.mjs";
import { LEVELS } from "./params.mjs";

/**
 * @param op an operation for drive() (one run or one whole stream)
 * @param pids a function listing the serving Python processes' pids (for CPU per op)
 * @returns {{ latency: {p50, p99, ttfeP50}, levels: Record<number, ReturnType<drive>> }}
 */
export async function measure(op, p, pids = () => []) {
  const levels = {};
  for (const concurrency of LEVELS) {
    const total = concurrency === 1 ? p.latency : p.throughput;
    const warmup = concurrency === 1 ? p.warmup : 0;
    levels[concurrency] = await drive(op, { total, concurrency, warmup, maxSeconds: p.maxSeconds, pids });
  }
  const { p50, p99, ttfeP50 } = levels[1];
  return { latency: { p50, p99, ttfeP50 }, levels };
}
