// The latency-bound driver on the Node side (bench/latency.mjs): many slow token streams at once,
// measured where the caller reads the tokens, the same way bench/latency_inprocess.py measures
// pydantic-ai in one process.
import { cpuNow } from "./cpu.mjs";

/** Tokens per stream and the model's pause between two tokens (examples/agents/slow_tokens.py). */
export const TOKENS = 40;
export const TOKEN_DELAY_MS = 25;
export const TOKEN_PROMPT = `${TOKENS} ${TOKEN_DELAY_MS}`;

/**
 * `concurrency` callers, started evenly over one stream's length (arrivals spread as a real
 * service's are, not one burst), each draining `streams` streams one after another.
 * `open(prompt)` returns an async iterable of Axon RunEvents. Times in ms: `firsts` is stream
 * start to first token, `gaps` the time between consecutive tokens minus the model's pause (what
 * the setup added). CPU from /proc for `pids()`, the host's from process.cpuUsage(); host RSS is
 * the peak during the level over the RSS before it.
 */
export async function measureTokens(open, concurrency, streams, pids) {
  const firsts = [];
  const gaps = [];
  let tokens = 0;
  let errors = 0;
  const one = async () => {
    const started = performance.now();
    let last;
    for await (const event of open(TOKEN_PROMPT)) {
      if (event.type !== "text-delta") continue;
      const now = performance.now();
      tokens += 1;
      if (last === undefined) firsts.push(now - started);
      else gaps.push(now - last - TOKEN_DELAY_MS);
      last = now;
    }
  };
  const caller = async (i) => {
    await new Promise((resolve) => setTimeout(resolve, (i * TOKENS * TOKEN_DELAY_MS) / concurrency));
    for (let k = 0; k < streams; k++) {
      try {
        await one();
      } catch {
        errors += 1;
      }
    }
  };
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const cpu0 = cpuNow(pids());
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, i) => caller(i)));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuNow(pids());
  clearInterval(sampler);
  return {
    concurrency,
    firsts,
    gaps,
    tokens,
    errors,
    seconds,
    hostCpuMs: cpu.host - cpu0.host,
    pythonCpuMs: cpu.python - cpu0.python,
    hostRssDeltaMiB: Math.max(0, peakRss - rss0) / (1024 * 1024),
  };
}
