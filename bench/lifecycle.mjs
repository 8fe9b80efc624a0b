// Section 5, lifecycle: cold start (createAxon until it resolves, i.e. every worker ready) with 1
// and 4 workers, recovery after SIGKILL of a worker (without and with a warm standby), and
// resident memory per worker.
import { startAxon } from "./lib/axon-host.mjs";
import { withoutBytecodeCache } from "./lib/bytecode-cache.mjs";
import { UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB } from "./lib/python.mjs";
import { median } from "./lib/stats.mjs";

/** @returns {Promise<{ lifecycle: object }>} */
export async function benchLifecycle(p, log) {
  const coldStart1 = [];
  const coldStart4 = [];
  const recovery = [];
  const recoveryStandby = [];
  let firstRunMs;
  let idleRss;
  for (let round = 0; round < p.coldRepeats; round++) {
    log(`  cold start, 4 workers (${round + 1}/${p.coldRepeats})`);
    let t0 = performance.now();
    const four = await startAxon({ instances: 4 });
    coldStart4.push(performance.now() - t0);
    idleRss = four.status().map((worker) => rssMiB(worker.pid));
    await four.close();

    log(`  cold start, 1 worker (${round + 1}/${p.coldRepeats})`);
    t0 = performance.now();
    const one = await startAxon({ instances: 1 });
    coldStart1.push(performance.now() - t0);
    try {
      t0 = performance.now();
      await one.run("echo", UNARY_PROMPT);
      firstRunMs ??= performance.now() - t0;
      log(`  recovery after SIGKILL (${round + 1}/${p.coldRepeats})`);
      recovery.push(await killAndRecover(one));
    } finally {
      await one.close();
    }

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
      const axon = await startAxon({ instances: 1 });
      const ms = performance.now() - t0;
      await axon.close();
      return ms;
    });
  }
  return {
    lifecycle: {
      coldStartNoBytecodeMs,
      coldStart1Ms: median(coldStart1),
      coldStart4Ms: median(coldStart4),
      firstRunMs,
      recoveryMs: median(recovery.map((r) => r.ms)),
      recoveryStandbyMs: median(recoveryStandby.map((r) => r.ms)),
      idleRssMiB: idleRss,
      samples: { coldStart1, coldStart4, recovery, recoveryStandby },
    },
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
