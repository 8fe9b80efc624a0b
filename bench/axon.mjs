// Section 4, Axon itself: axon.run and axon.stream through createAxon, with 1 and 2 instances of
// the echo agent, measured exactly like the baselines (same prompts, same driver).
import { drainStream, startAxon } from "./lib/axon-host.mjs";
import { STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB } from "./lib/python.mjs";
import { nodeSetup } from "./lib/setup.mjs";

/** Starts two Axons (1 and 2 instances); returns 4 setups, and the 1,000-streams check. */
export async function startAxonSetups() {
  // With 64 or fewer in flight per worker, maxConcurrency changes nothing in the measured rows;
  // 1000 lets the held-streams check put all its streams on the wire instead of Axon's queue.
  const axons = { 1: await startAxon({ instances: 1, maxConcurrency: 1000 }) };
  axons[2] = await startAxon({ instances: 2, maxConcurrency: 1000 });
  const setups = [];
  for (const [instances, axon] of Object.entries(axons)) {
    const pids = () => axon.status().map((worker) => worker.pid);
    for (const [op, call] of [
      ["run", () => axon.run("echo", UNARY_PROMPT)],
      ["stream", () => drainStream(axon.stream("echo", STREAM_PROMPT))],
    ]) {
      const processes = Number(instances);
      setups.push(
        nodeSetup({ id: `axon.${instances}.${op}`, label: `Axon axon.${op}`, processes, op, call, pids }),
      );
    }
  }
  return {
    setups,
    rss: () => ({ axon: axons[2].status().map((worker) => rssMiB(worker.pid)) }),
    /** After the rounds: `count` concurrent streams on the 2-instance Axon. */
    held: (count) => holdStreams(axons[2], count),
    stop: () => Promise.all(Object.values(axons).map((axon) => axon.close())),
  };
}

/** Opens `count` streams at once and drains them all concurrently; counts errors, samples the peak in flight. */
export async function holdStreams(axon, count) {
  let peakInFlight = 0;
  let peakQueued = 0;
  const sampler = setInterval(() => {
    const workers = axon.status();
    peakInFlight = Math.max(
      peakInFlight,
      workers.reduce((sum, w) => sum + w.inFlight, 0),
    );
    peakQueued = Math.max(peakQueued, workers[0]?.queued ?? 0);
  }, 5);
  const t0 = performance.now();
  const outcomes = await Promise.allSettled(
    // The short prompt: this checks that 1,000 streams coexist, not how fast events flow.
    Array.from({ length: count }, () => drainStream(axon.stream("echo", UNARY_PROMPT))),
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const failed = outcomes.filter((o) => o.status === "rejected");
  return {
    streams: count,
    errors: failed.length,
    firstError: failed[0] ? String(failed[0].reason?.code ?? failed[0].reason) : undefined,
    events: outcomes.reduce((sum, o) => sum + (o.value?.items ?? 0), 0),
    seconds,
    peakInFlight,
    peakQueued,
  };
}
