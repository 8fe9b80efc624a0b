// Section 2, the framework limit: pydantic-ai in one Python process with no transport at all
// (bench/inprocess.py). Axon cannot beat it; the ratio says how close it comes. The process
// measures itself on request, so its rounds interleave with the other setups'.
import { createInterface } from "node:readline";
import { STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { startPython, stopPython } from "./lib/python.mjs";

const LABELS = { run: "in-process agent.run", stream: "in-process agent.run_stream_events" };

/** Starts bench/inprocess.py; returns its run and stream setups. */
export async function startFramework({ agentSpec }) {
  const { child } = await startPython("inprocess.py", ["--agent", agentSpec]);
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  // One request at a time: lib/rounds.mjs never measures two setups at once.
  const ask = async (request) => {
    child.stdin.write(`${JSON.stringify(request)}\n`);
    const { value, done } = await answers.next();
    if (done) throw new Error("bench/inprocess.py exited");
    return JSON.parse(value);
  };
  const setup = (op, prompt) => ({
    id: `inprocess.1.${op}`,
    label: LABELS[op],
    processes: 1,
    op,
    warmup: (n) => ask({ op, prompt, warmup: n, concurrency: 1, total: 0, max_seconds: 0 }),
    async measure(concurrency, { total, maxSeconds }) {
      const r = await ask({ op, prompt, concurrency, total, max_seconds: maxSeconds });
      return { ...r, cpu: { hostMs: 0, pythonMs: r.cpu_ms / r.ops } };
    },
  });
  return {
    setups: [setup("run", UNARY_PROMPT), setup("stream", STREAM_PROMPT)],
    rss: () => ({}),
    stop: () => stopPython(child),
  };
}
