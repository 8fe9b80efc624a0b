// What every setup is measured with: the same prompts (so the same bytes on the wire) and the
// same iteration counts. `--quick` keeps `npm run bench -- --quick` under a minute.

/** Nine words: the unary payload. The echo agent answers with the same text. */
export const UNARY_PROMPT = "the quick brown fox jumps over the lazy dog";

/** Thirty-two words: the echo agent streams them word by word, 33 events with the final one. */
export const STREAM_PROMPT = Array.from({ length: 4 }, () => "one two three four five six seven eight").join(
  " ",
);

/** The concurrency levels of the throughput columns. */
export const LEVELS = [1, 16, 64];

/** The agent spec every Python process loads (override with AXON_BENCH_AGENT for a scratch agent). */
export const AGENT_SPEC = process.env.AXON_BENCH_AGENT ?? "examples.agents.echo:agent";

/**
 * Per setup and level, over all rounds: at most `latency` sequential runs (the @1 column) or
 * `throughput` runs (higher levels), and at most `maxSeconds`, split evenly over `rounds`
 * (lib/rounds.mjs). `coldRepeats` cold starts and recoveries (the median counts).
 */
export function params(quick) {
  const shared = { quick, agentSpec: AGENT_SPEC, heldStreams: 1000 };
  return quick
    ? { ...shared, warmup: 10, rounds: 1, latency: 150, throughput: 200, maxSeconds: 0.25, coldRepeats: 1 }
    : { ...shared, warmup: 100, rounds: 5, latency: 1000, throughput: 2000, maxSeconds: 4, coldRepeats: 3 };
}
