// Section 2, the framework limit: pydantic-ai in one Python process with no transport at all
// (bench/inprocess.py). Axon cannot beat it; the ratio says how close it comes.
import { AGENT_SPEC, LEVELS, STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { runPythonJson } from "./lib/python.mjs";

const LABELS = { run: "in-process agent.run", stream: "in-process agent.run_stream_events" };

/** @returns {Promise<{ subjects: object }>} */
export async function benchFramework(p, log) {
  log("  inprocess.1.run, inprocess.1.stream");
  const out = await runPythonJson("inprocess.py", [
    ...["--agent", AGENT_SPEC, "--run-prompt", UNARY_PROMPT, "--stream-prompt", STREAM_PROMPT],
    ...["--warmup", String(p.warmup), "--latency-runs", String(p.latency), "--runs", String(p.throughput)],
    ...["--max-seconds", String(p.maxSeconds), "--concurrency", LEVELS.join(",")],
  ]);
  const subjects = {};
  for (const op of ["run", "stream"]) {
    const levels = Object.fromEntries(
      LEVELS.map((level) => [level, fromPython(level, out[op][String(level)])]),
    );
    const { p50, p99, ttfeP50 } = levels[1];
    subjects[`inprocess.1.${op}`] = {
      label: LABELS[op],
      processes: 1,
      op,
      latency: { p50, p99, ttfeP50 },
      levels,
    };
  }
  return { subjects };
}

/** inprocess.py's snake_case level -> the shape of lib/drive.mjs. */
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
