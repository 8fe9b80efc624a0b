// Section 5, lifecycle: cold start (createAxon until it resolves, i.e. every worker ready) with 1
// and 4 workers, recovery after SIGKILL of a worker (without and with a warm standby), and memory
// per worker: each of them for workers forked from a template (the default) and spawned ones
// (`python.fork: false`), interleaved in every round.
import { readFileSync } from "node:fs";
import { startAxon } from "./lib/axon-host.mjs";
import { withoutBytecodeCache } from "./lib/bytecode-cache.mjs";
import { UNARY_PROMPT } from "./lib/params.mjs";
import { median } from "./lib/stats.mjs";

const MODES = { fork: { fork: true }, spawn: { fork: false } };

/** @returns {Promise<{ lifecycle: object }>} */
export async function benchLifecycle(p, log) {
  const samples = { fork: emptySamples(), spawn: emptySamples() };
  const recoveryStandby = [];
  for (let round = 0; round < p.coldRepeats; round++) {
    const modes = round % 2 === 0 ? ["fork", "spawn"] : ["spawn", "fork"];
    for (const mode of modes) await measureMode(mode, samples[mode], round, p, log);

    // The same kill with `standby: 1`: a booted spare takes the slot, no Python boot on the path.
    log(`  recovery after SIGKILL, standby 1 (${round + 1}/${p.coldRepeats})`);
    const spared = await startAxon({ instances: 1, standby: 1 });
    try {
      await spareReady(spared);
      await spared.run("echo", UNARY_PROMPT);
      recoveryStandby.push(await killAndRecover(spared));
    } finally {
      await spared.close();
    }
  }
  // Full runs only: what a start costs when Python may not cache bytecode (lib/bytecode-cache.mjs).
  let coldStartNoBytecodeMs;
  if (!p.quick) {
    log("  cold start, 1 worker, no bytecode cache");
    coldStartNoBytecodeMs = await withoutBytecodeCache(async () => {
      const t0 = performance.now();
      const axon = await startAxon({ instances: 1 }, MODES.spawn);
      const ms = performance.now() - t0;
      await axon.close();
      return ms;
    });
  }
  const summary = (s) => ({
    coldStart1Ms: median(s.coldStart1),
    coldStart4Ms: median(s.coldStart4),
    firstRunMs: median(s.firstRun),
    recoveryMs: median(s.recovery.map((r) => r.ms)),
    recoveryExitSeenMs: median(s.recovery.map((r) => r.exitSeenMs)),
    recoveryReadyMs: median(s.recovery.map((r) => r.replacementReadyMs)),
    idleRssMiB: s.memory?.rssMiB,
    idlePrivateMiB: s.memory?.privateMiB,
    idleTotalRssMiB: s.memory?.totalRssMiB,
    idleTotalPrivateMiB: s.memory?.totalPrivateMiB,
  });
  return {
    lifecycle: {
      coldStartNoBytecodeMs,
      // The default (forked workers) at the top level, as before; the spawned baseline beside it.
      ...summary(samples.fork),
      spawn: summary(samples.spawn),
      recoveryStandbyMs: median(recoveryStandby.map((r) => r.ms)),
      samples: { ...samples, recoveryStandby },
    },
  };
}

function emptySamples() {
  return { coldStart1: [], coldStart4: [], firstRun: [], recovery: [], memory: undefined };
}

async function measureMode(mode, s, round, p, log) {
  log(`  ${mode}: cold start, 4 workers (${round + 1}/${p.coldRepeats})`);
  let t0 = performance.now();
  const four = await startAxon({ instances: 4 }, MODES[mode]);
  s.coldStart4.push(performance.now() - t0);
  try {
    await Promise.all([1, 2, 3, 4].map(() => four.run("echo", UNARY_PROMPT)));
    s.memory = memoryOf(four.status().map((worker) => worker.pid));
  } finally {
    await four.close();
  }

  log(`  ${mode}: cold start, 1 worker, and recovery after SIGKILL (${round + 1}/${p.coldRepeats})`);
  t0 = performance.now();
  const one = await startAxon({ instances: 1 }, MODES[mode]);
  s.coldStart1.push(performance.now() - t0);
  try {
    t0 = performance.now();
    await one.run("echo", UNARY_PROMPT);
    s.firstRun.push(performance.now() - t0);
    s.recovery.push(await killAndRecover(one));
  } finally {
    await one.close();
  }
}

/**
 * Resident memory of each worker (Rss) and the part of it no other process shares (Private_*,
 * /proc/PID/smaps_rollup): forked workers share the template's imported modules copy-on-write.
 */
function memoryOf(pids) {
  const rows = pids.map((pid) => {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    return { rss: kib("Rss") / 1024, private: (kib("Private_Clean") + kib("Private_Dirty")) / 1024 };
  });
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  return {
    rssMiB: rows.map((r) => r.rss),
    privateMiB: rows.map((r) => r.private),
    totalRssMiB: sum(rows.map((r) => r.rss)),
    totalPrivateMiB: sum(rows.map((r) => r.private)),
  };
}

/** Resolves once the spare (a `standby` row) has an address, i.e. it booted and is healthy. */
async function spareReady(axon) {
  const until = performance.now() + 60_000;
  while (!axon.status().some((w) => w.state === "standby" && w.address !== undefined)) {
    if (performance.now() > until) throw new Error("the standby worker was not ready within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * SIGKILLs the only serving worker and runs until a run succeeds (necessarily on its replacement):
 * the time from the kill to that result, how many runs failed meanwhile, and when Axon saw the
 * exit and the replacement's handshake (where the time goes).
 */
async function killAndRecover(axon) {
  const [worker] = axon.status();
  const phases = {};
  const t0 = performance.now();
  axon.once("worker-exited", () => {
    phases.exitSeenMs = performance.now() - t0;
  });
  axon.once("worker-started", () => {
    phases.replacementReadyMs = performance.now() - t0;
  });
  process.kill(worker.pid, "SIGKILL");
  let failedRuns = 0;
  for (;;) {
    try {
      await axon.run("echo", UNARY_PROMPT, { timeoutMs: 30_000 });
      return {
        ms: performance.now() - t0,
        failedRuns,
        ...phases,
        oldPid: worker.pid,
        newPid: axon.status()[0].pid,
      };
    } catch {
      failedRuns++;
      if (performance.now() - t0 > 30_000) throw new Error("no successful run within 30 s of SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}
