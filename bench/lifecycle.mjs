// Section 5, lifecycle: cold start (createAxon until it resolves, i.e. every worker ready) with 1
// and 4 workers, recovery after SIGKILL of a worker, and resident memory per worker.
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
      idleRssMiB: idleRss,
      samples: { coldStart1, coldStart4, recovery },
    },
  };
}

/**
 * SIGKILLs the only worker and runs until a run succeeds (necessarily on its replacement):
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
