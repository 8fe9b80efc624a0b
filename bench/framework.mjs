// Section 2, the framework limit: pydantic-ai in one Python process with no transport at all
// (bench/inprocess.py). Axon cannot beat it; the ratio says how close it comes.
import { AGENT_SPEC, LEVELS, STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { runPythonJson } from "./lib/python.mjs";

/** @returns {Promise<{ subjects: object }>} */
export async function benchFramework(p, log) {
  const subjects = {};
  for (const [op, prompt, extra] of [
    ["run", UNARY_PROMPT, []],
    ["stream", STREAM_PROMPT, ["--stream"]],
  ]) {
    const id = `inprocess.1.${op}`;
    log(`  ${id}`);
    const out = await runPythonJson("inprocess.py", [
      ...["--agent", AGENT_SPEC, "--prompt", prompt, "--warmup", String(p.warmup)],
      ...[
        "--latency-runs",
        String(p.latency),
        "--runs",
        String(p.throughput),
        "--max-seconds",
        String(p.maxSeconds),
      ],
      ...["--concurrency", LEVELS.join(","), ...extra],
    ]);
    const byLevel = Object.fromEntries(LEVELS.map((level) => [level, fromPython(level, out[String(level)])]));
    const { p50, p99, ttfeP50 } = byLevel[1];
    subjects[id] = {
      label: `in-process agent.${op === "run" ? "run" : "run_stream_events"}`,
      processes: 1,
      op,
      latency: { p50, p99, ttfeP50 },
      levels: byLevel,
    };
  }
  return { subjects };
}

function fromPython(concurrency, r) {
  return {
    concurrency,
    ops: r.ops,
    seconds: r.seconds,
    perSec: r.per_sec,
    itemsPerSec: r.items_per_sec,
    p50: r.p50_ms,
    p99: r.p99_ms,
    ttfeP50: r.ttfe_p50_ms,
    cpu: { hostMs: 0, pythonMs: r.cpu_ms_per_op },
  };
}
