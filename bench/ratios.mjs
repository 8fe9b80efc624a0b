// The targets, computed from one run's numbers side by side. Reported, never asserted:
// a missed target is a finding for docs/benchmarks.md, not a failed command.

const at = (results, id, level = 64) => results.subjects[id]?.levels?.[level]?.perSec;
const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
const diff = (a, b) => (a === undefined || b === undefined ? undefined : a - b);
const bestRate = (subject) =>
  subject ? Math.max(...Object.values(subject.levels).map((l) => l.perSec)) : undefined;

/** @returns {Array<{ name, value, unit, target, ok }>} `ok` is undefined when a side was not measured. */
export function ratios(results) {
  const { subjects, lifecycle, held } = results;
  const rows = [];
  const add = (name, value, unit, target, test) =>
    rows.push({ name, value, unit, target, ok: value === undefined ? undefined : test(value) });

  for (const n of [1, 2]) {
    add(
      `Axon run @64 / bare gRPC no agent @64, ${n} proc`,
      ratio(at(results, `axon.${n}.run`), at(results, `bare-transport.${n}.run`)),
      "x",
      ">= 0.8",
      (v) => v >= 0.8,
    );
    add(
      `Axon run @64 / bare gRPC + agent.run @64, ${n} proc`,
      ratio(at(results, `axon.${n}.run`), at(results, `bare-agent.${n}.run`)),
      "x",
      ">= 0.8",
      (v) => v >= 0.8,
    );
  }
  add(
    "Axon run @64, 2 inst / in-process runs/s (best level)",
    ratio(at(results, "axon.2.run"), bestRate(subjects["inprocess.1.run"])),
    "x",
    ">= 1.0",
    (v) => v >= 1,
  );
  add(
    "Axon run @64, 1 inst / in-process runs/s (best level)",
    ratio(at(results, "axon.1.run"), bestRate(subjects["inprocess.1.run"])),
    "x",
    "(info)",
    () => true,
  );
  const axonP50 = subjects["axon.1.run"]?.latency.p50;
  const inprocP50 = subjects["inprocess.1.run"]?.latency.p50;
  add("Axon p50 - in-process p50, sequential", diff(axonP50, inprocP50), "ms", "<= 0.5", (v) => v <= 0.5);
  add(
    "Axon p50 - bare gRPC + agent.run p50, sequential",
    diff(axonP50, subjects["bare-agent.1.run"]?.latency.p50),
    "ms",
    "(info)",
    () => true,
  );
  for (const level of [16, 64]) {
    add(
      `Axon run / stdio bridge @${level}, 1 proc`,
      ratio(at(results, "axon.1.run", level), at(results, "stdio-bridge.1.run", level)),
      "x",
      "> 1.0",
      (v) => v > 1,
    );
  }
  for (const n of [1, 2]) {
    add(
      `Axon stream events/s / bare gRPC no agent, @64, ${n} proc`,
      ratio(
        subjects[`axon.${n}.stream`]?.levels[64].itemsPerSec,
        subjects[`bare-transport.${n}.stream`]?.levels[64].itemsPerSec,
      ),
      "x",
      "(info)",
      () => true,
    );
  }
  // CPU per run (Node + Python) moves little with the machine's load, unlike rates.
  const cpuAt64 = (id) => {
    const cpu = subjects[id]?.levels[64]?.cpu;
    return cpu && cpu.hostMs + cpu.pythonMs;
  };
  for (const base of ["inprocess.1.run", "bare-agent.1.run"]) {
    add(
      `CPU per run @64, Axon 1 inst / ${base}`,
      ratio(cpuAt64("axon.1.run"), cpuAt64(base)),
      "x",
      "(info)",
      () => true,
    );
  }
  add(
    "recovery / cold start, 1 worker",
    ratio(lifecycle?.recoveryMs, lifecycle?.coldStart1Ms),
    "x",
    "<= 1.0",
    (v) => v <= 1,
  );
  add("1,000 concurrent streams, errors", held?.errors, "", "0", (v) => v === 0);
  return rows;
}
