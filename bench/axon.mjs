// Section 4, Axon itself: axon.run and axon.stream through createAxon, with 1 and 2 instances of
// the echo agent, measured exactly like the baselines (same prompts, same driver).
import { drainStream, startAxon } from "./lib/axon-host.mjs";
import { STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB } from "./lib/python.mjs";
import { nodeSetup } from "./lib/setup.mjs";

/**
 * Starts three Axons (1 and 2 instances on local frames, the default; 1 instance on local gRPC,
 * what frames replaced); returns 6 setups, and the 1,000-streams check.
 */
export async function startAxonSetups() {
  // With 64 or fewer in flight per worker, maxConcurrency changes nothing in the measured rows;
  // 1000 lets the held-streams check put all its streams on the wire instead of Axon's queue.
  const limits = { maxConcurrency: 1000 };
  const axons = { 1: await startAxon({ instances: 1, ...limits }) };
  axons[2] = await startAxon({ instances: 2, ...limits });
  axons["grpc.1"] = await startAxon({ instances: 1, ...limits }, {}, { localTransport: "grpc" });
  const setups = [];
  for (const [name, axon] of Object.entries(axons)) {
    const pids = () => axon.status().map((worker) => worker.pid);
    const grpc = name.startsWith("grpc.");
    for (const [op, call] of [
      ["run", () => axon.run("echo", UNARY_PROMPT)],
      ["stream", () => drainStream(axon.stream("echo", STREAM_PROMPT))],
    ]) {
      const processes = Number(name.replace("grpc.", ""));
      const label = `Axon axon.${op}${grpc ? ", local gRPC" : ""}`;
      setups.push(nodeSetup({ id: `axon.${name}.${op}`, label, processes, op, call, pids }));
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
