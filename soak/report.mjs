// Tallies outcomes and prints the soak's figures; `invariants` decides the exit code.

export function createTally() {
  const latencies = [];
  const byCode = new Map();
  const byKind = new Map();
  let resent = 0;
  return {
    add(kind, { code, ms, resent: r }) {
      latencies.push(ms);
      resent += r;
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
      const k = byKind.get(kind) ?? { sent: 0, ok: 0 };
      k.sent += 1;
      if (code === "ok") k.ok += 1;
      byKind.set(kind, k);
    },
    summary() {
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      const sent = latencies.length;
      const succeeded = byCode.get("ok") ?? 0;
      const failed = Object.fromEntries([...byCode].filter(([code]) => code !== "ok"));
      return {
        sent,
        succeeded,
        successRate: sent === 0 ? 0 : succeeded / sent,
        failedByCode: failed,
        hung: byCode.get("hung") ?? 0,
        streamsResent: resent,
        latencyMs: { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 },
        byKind: Object.fromEntries(byKind),
      };
    },
  };
}

/** Each invariant: its name, whether it holds, and what was seen. */
export function invariants(s) {
  return [
    ["no request hung (no answer within deadline + 5 s)", s.load.hung === 0, `${s.load.hung} hung`],
    // A restart stops an agent's workers on purpose and may cut the runs they hold (a rolling
    // reload is what keeps them): with restarts on, fewer runs can succeed by design.
    s.restartEveryMs > 0
      ? [
          "success >= 99 % (restarts cut runs on purpose)",
          s.load.successRate >= 0.99,
          `${(s.load.successRate * 100).toFixed(3)} %`,
        ]
      : ["success >= 99.9 %", s.load.successRate >= 0.999, `${(s.load.successRate * 100).toFixed(3)} %`],
    [
      "workers were killed and restarted",
      s.kills > 0 && s.restarts > 0,
      `${s.kills} kills, ${s.restarts} restarts`,
    ],
    ["every worker ready again after the chaos", s.recovered, s.recovered ? "yes" : "no"],
    [
      "the worker processes alive are exactly those status() lists",
      s.workers.listed.join() === s.workers.running.join(),
      `${s.workers.running.length} running, ${s.workers.listed.length} listed`,
    ],
    [
      "every restart request answered 200",
      s.restartEveryMs === 0 || (s.restartRequests.requests > 0 && s.restartRequests.failed === 0),
      `${s.restartRequests.requests} in ${s.restartRequests.bursts} bursts, ${s.restartRequests.failed} failed`,
    ],
    ["host fds back at baseline", s.after.fds <= s.baseline.fds, `${s.baseline.fds} -> ${s.after.fds}`],
    [
      "host sockets back at baseline",
      s.after.sockets <= s.baseline.sockets,
      `${s.baseline.sockets} -> ${s.after.sockets}`,
    ],
    [
      "heap near baseline (+32 MiB at most)",
      s.after.heapMiB - s.baseline.heapMiB <= 32,
      `${mib(s.baseline.heapMiB)} -> ${mib(s.after.heapMiB)}`,
    ],
    [
      "no orphan Python process after close",
      s.orphans.length === 0,
      s.orphans.length === 0 ? "none" : s.orphans.join(" "),
    ],
    ["socket directory removed on close", !s.socketDirLeft, s.socketDirLeft ? "left behind" : "removed"],
  ];
}

const mib = (n) => `${n.toFixed(1)} MiB`;

export function print(s, checks) {
  const l = s.load;
  const lines = [
    `axon soak: ${s.durationS} s, ${s.concurrency} concurrent, a worker SIGKILLed every ~${s.killEveryMs} ms, concurrent restarts every ~${s.restartEveryMs} ms`,
    `  sent ${l.sent}  succeeded ${l.succeeded} (${(l.successRate * 100).toFixed(3)} %)  hung ${l.hung}  (${(l.sent / s.durationS).toFixed(0)} req/s)`,
    `  failed by code: ${Object.keys(l.failedByCode).length === 0 ? "none" : JSON.stringify(l.failedByCode)}`,
    `  streams resent by the client after a mid-stream crash: ${l.streamsResent}`,
    `  kills ${s.kills}  restarts ${s.restarts}  (kill to ready again: p50 ${s.restartMs.p50.toFixed(0)} ms, max ${s.restartMs.max.toFixed(0)} ms)`,
    `  latency ms: p50 ${l.latencyMs.p50.toFixed(1)}  p99 ${l.latencyMs.p99.toFixed(1)}  max ${l.latencyMs.max.toFixed(1)}`,
    `  by kind: ${Object.entries(l.byKind)
      .map(([k, v]) => `${k} ${v.ok}/${v.sent}`)
      .join(", ")}`,
    `  host: fds ${s.baseline.fds} -> ${s.after.fds}, sockets ${s.baseline.sockets} -> ${s.after.sockets}, heap ${mib(s.baseline.heapMiB)} -> ${mib(s.after.heapMiB)}, rss ${mib(s.baseline.rssMiB)} -> ${mib(s.after.rssMiB)}`,
    "invariants:",
    ...checks.map(([name, ok, seen]) => `  ${ok ? "ok  " : "FAIL"} ${name}: ${seen}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
