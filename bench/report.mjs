// The tables `npm run bench` prints (and docs/benchmarks.md copies): one row per setup, then
// lifecycle, then the ratios against the targets.

import { latencyTable } from "./latency.mjs";
import { latencyRatios } from "./latency-ratios.mjs";
import { fmt, markdownTable } from "./lib/table.mjs";
import { ratios } from "./ratios.mjs";
import { reloadTable } from "./reload.mjs";

const ORDER = [
  "bare-transport",
  "bare-agent",
  "inprocess",
  "stdio-bridge",
  "worker-direct",
  "axon",
  "remote",
  "tracing",
];

export function report(results) {
  const ids = Object.keys(results.subjects).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  const setupRows = ids.map((id) => {
    const s = results.subjects[id];
    const stream = s.op === "stream";
    return [
      s.label,
      s.processes,
      fmt(s.latency.p50),
      fmt(s.latency.p99),
      stream ? fmt(s.latency.ttfeP50) : "",
      fmt(s.levels[1]?.perSec),
      fmt(s.levels[16]?.perSec),
      fmt(s.levels[64]?.perSec),
      stream ? fmt(s.levels[64]?.itemsPerSec) : "",
      fmt(s.levels[64]?.cpu.hostMs),
      fmt(s.levels[64]?.cpu.pythonMs),
    ];
  });
  const setups = markdownTable(
    [
      ...["setup", "procs", "p50 ms", "p99 ms", "1st event ms", "/s @1", "/s @16", "/s @64", "events/s @64"],
      ...["Node CPU ms/op @64", "Python CPU ms/op @64"],
    ],
    setupRows,
  );
  const l = results.lifecycle ?? {};
  const rss = results.rss ?? {};
  const lifecycle = markdownTable(
    ["lifecycle", "value"],
    [
      ["cold start, 1 worker (createAxon until ready): forked / spawned", pair(l, "coldStart1Ms", " ms")],
      ["cold start, 4 workers: forked / spawned", pair(l, "coldStart4Ms", " ms")],
      ["cold start, 1 worker, spawned, no bytecode cache (full runs)", `${fmt(l.coldStartNoBytecodeMs)} ms`],
      ["first run after cold start: forked / spawned", pair(l, "firstRunMs", " ms")],
      ["recovery: SIGKILL -> next successful run, forked", recoveryText(l.samples?.fork, l.recoveryMs)],
      [
        "recovery: SIGKILL -> next successful run, spawned",
        recoveryText(l.samples?.spawn, l.spawn?.recoveryMs),
      ],
      [
        "recovery with `standby: 1` (a ready spare takes the slot)",
        recoveryText(l.samples, l.recoveryStandbyMs, "recoveryStandby"),
      ],
      [
        "RSS per Axon worker, idle, 4 workers: forked / spawned",
        `${mib(l.idleRssMiB)} / ${mib(l.spawn?.idleRssMiB)}`,
      ],
      [
        "of it private to each worker (smaps Private_*): forked / spawned",
        `${mib(l.idlePrivateMiB)} / ${mib(l.spawn?.idlePrivateMiB)}`,
      ],
      [
        "4 workers, total RSS / total private: forked; spawned",
        `${mib(l.idleTotalRssMiB)} / ${mib(l.idleTotalPrivateMiB)}; ${mib(l.spawn?.idleTotalRssMiB)} / ${mib(l.spawn?.idleTotalPrivateMiB)}`,
      ],
      ["RSS per Axon worker, after load", mib(rss.axon)],
      [
        "RSS bare gRPC server (agent mode) / stdio bridge",
        `${mib(rss["bare-agent"])} / ${mib(rss["stdio-bridge"])}`,
      ],
      ["1,000 concurrent streams, 2 inst", heldText(results.held)],
    ],
  );
  const ratioRows = [...ratios(results), ...latencyRatios(results.latency)].map((r) => [
    r.name,
    r.value === undefined ? "-" : `${fmt(r.value)}${r.unit}`,
    r.target,
    r.ok === undefined ? "not measured" : r.target === "(info)" ? "" : r.ok ? "met" : "MISSED",
  ]);
  const reload = reloadTable(results.reload);
  const latency = latencyTable(results.latency);
  return [
    setups,
    lifecycle,
    ...(reload ? [reload] : []),
    ...(latency ? [latency] : []),
    markdownTable(["ratio", "value", "target", ""], ratioRows),
  ].join("\n\n");
}

function sortKey(id) {
  const [group, processes, op] = id.split(".");
  return `${op === "run" ? 0 : 1}${ORDER.indexOf(group)}${processes}`;
}

function mib(value) {
  if (value === undefined) return "-";
  const list = Array.isArray(value) ? value : [value];
  return `${list.map((v) => fmt(v)).join(", ")} MiB`;
}

/** A lifecycle figure of forked workers (the top level) and of spawned ones (`spawn`). */
function pair(l, key, unit) {
  return `${fmt(l[key])}${unit} / ${fmt(l.spawn?.[key])}${unit}`;
}

function recoveryText(samples, ms, key = "recovery") {
  const r = samples?.[key]?.find((sample) => sample.ms === ms);
  if (ms === undefined || !r) return "-";
  return `${fmt(ms)} ms (exit seen ${fmt(r.exitSeenMs)}, replacement ready ${fmt(r.replacementReadyMs)}; ${r.failedRuns} runs failed)`;
}

function heldText(h) {
  if (!h) return "-";
  const error = h.errors ? `, first: ${h.firstError}` : "";
  return `${h.errors} errors${error}; ${fmt(h.seconds)} s, peak ${h.peakInFlight} in flight + ${h.peakQueued} queued`;
}
