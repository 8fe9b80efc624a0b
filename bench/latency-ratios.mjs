// The latency section's rows of the ratio table (bench/ratios.mjs's shape), against issue 14's
// targets: Axon with N instances holds N times the streams of one in-process pydantic-ai, and its
// first token is no later than in-process at the same load. The stdio bridge and the gateway's
// SSE path are context.
import { HOLD_P99_MS } from "./latency.mjs";

/** Levels whose first-token p99 is compared: loaded, but below where every setup breaks down. */
const FIRST_TOKEN_LEVELS = [25, 50, 100];

/** @returns {Array<{ name, value, unit, target, ok }>} */
export function latencyRatios(latency) {
  if (!latency) return [];
  const s = latency.setups;
  const level = (id, c) => s[id]?.levels[c];
  const held = (id, key = "heldStreams") => s[id]?.[key];
  const cpu = (l) => l && l.hostCpuMsPerToken + l.pythonCpuMsPerToken;
  const firstP99 = (id, c) => level(id, c)?.firstP99Ms;
  // 0 / 0 (neither side held any level) or a side not measured: no value, "not measured".
  const row = (name, value, target, test = () => true) => {
    const v = Number.isFinite(value) ? value : undefined;
    return { name, value: v, unit: "x", target, ok: v === undefined ? undefined : test(v) };
  };
  const bound = `added <= ${HOLD_P99_MS} ms`;
  const low = latency.ladder[0];
  const levels = FIRST_TOKEN_LEVELS.filter((c) => latency.ladder.includes(c));
  return [
    ...[1, 2].map((n) =>
      row(
        `streams held (p99 ${bound}), Axon ${n} inst / ${n} x in-process`,
        held(`axon.${n}`) / (n * held("inprocess.1")),
        ">= 1.0",
        (v) => v >= 1,
      ),
    ),
    ...[1, 2].map((n) =>
      row(
        `streams held (p90 ${bound}), Axon ${n} inst / ${n} x in-process`,
        held(`axon.${n}`, "heldStreamsP90") / (n * held("inprocess.1", "heldStreamsP90")),
        "(info)",
      ),
    ),
    ...[1, 2].flatMap((n) =>
      levels.map((c) =>
        row(
          `first-token p99 @${c} streams, Axon ${n} inst / in-process`,
          firstP99(`axon.${n}`, c) / firstP99("inprocess.1", c),
          "<= 1.0",
          (v) => v <= 1,
        ),
      ),
    ),
    row(
      `streams held (p99 ${bound}), stdio bridge / in-process`,
      held("stdio-bridge.1") / held("inprocess.1"),
      "(info)",
    ),
    row(
      `streams held (p99 ${bound}), Axon 1 inst / stdio bridge`,
      held("axon.1") / held("stdio-bridge.1"),
      "(info)",
    ),
    row(
      `streams held (p99 ${bound}), gateway SSE / Axon 1 inst`,
      held("gateway.1") / held("axon.1"),
      "(info)",
    ),
    ...levels.map((c) =>
      row(
        `first-token p99 @${c} streams, gateway SSE / Axon 1 inst`,
        firstP99("gateway.1", c) / firstP99("axon.1", c),
        "(info)",
      ),
    ),
    ...["inprocess.1", "stdio-bridge.1"].map((base) =>
      row(
        `CPU per token @${low} streams, Axon 1 inst / ${base}`,
        cpu(level("axon.1", low)) / cpu(level(base, low)),
        "(info)",
      ),
    ),
    row(
      `CPU per token @${low} streams, gateway SSE / Axon 1 inst`,
      cpu(level("gateway.1", low)) / cpu(level("axon.1", low)),
      "(info)",
    ),
  ];
}
