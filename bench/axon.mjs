// Section 4, Axon itself: axon.run and axon.stream through createAxon, with 1 and 2 instances of
// the echo agent, measured exactly like the baselines (same prompts, same driver).
import { drainStream, startAxon } from "./lib/axon-host.mjs";
import { measure } from "./lib/measure.mjs";
import { STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB } from "./lib/python.mjs";

/** @returns {Promise<{ subjects: object, rss: object, held: object }>} */
export async function benchAxon(p, log) {
  const subjects = {};
  const rss = {};
  let held;
  for (const instances of [1, 2]) {
    // With 64 or fewer in flight per worker, maxConcurrency changes nothing in the measured rows;
    // 1000 lets the held-streams check put all its streams on the wire instead of Axon's queue.
    const axon = await startAxon({ instances, maxConcurrency: 1000 });
    try {
      const pids = () => axon.status().map((worker) => worker.pid);
      for (const [op, call] of [
        ["run", () => axon.run("echo", UNARY_PROMPT)],
        ["stream", () => drainStream(axon.stream("echo", STREAM_PROMPT))],
      ]) {
        const id = `axon.${instances}.${op}`;
        log(`  ${id}`);
        subjects[id] = {
          label: `Axon axon.${op}`,
          processes: instances,
          op,
          ...(await measure(call, p, pids)),
        };
      }
      rss.axon = axon.status().map((worker) => rssMiB(worker.pid));
      if (instances === 2) {
        log(`  ${p.heldStreams} concurrent streams`);
        held = await holdStreams(axon, p.heldStreams);
      }
    } finally {
      await axon.close();
    }
  }
  return { subjects, rss, held };
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
