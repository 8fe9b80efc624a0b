// Section 3, the peer: a python-shell-style bridge (bench/stdio_bridge.py), one Python process
// answering JSON lines on stdout, requests multiplexed by id so it too can have many in flight.
// The latency section (bench/latency-setups.mjs) drives the same bridge's streams.
import { createInterface } from "node:readline";
import { UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB, startPython, stopPython } from "./lib/python.mjs";
import { nodeSetup } from "./lib/setup.mjs";

/** Starts the bridge; returns its one setup (unary runs). */
export async function startStdioBridge({ agentSpec }) {
  const bridge = await openStdioBridge(agentSpec);
  const label = "stdio JSON-lines bridge";
  const call = () => bridge.run(UNARY_PROMPT);
  const pids = () => [bridge.pid];
  return {
    setups: [nodeSetup({ id: "stdio-bridge.1.run", label, processes: 1, op: "run", call, pids })],
    rss: () => ({ "stdio-bridge": rssMiB(bridge.pid) }),
    stop: bridge.stop,
  };
}

/**
 * The bridge process for `agentSpec`: `run(prompt)` resolves to the answer line, `stream(prompt)`
 * yields Axon-shaped events (`text-delta` per delta line, then `result`).
 */
export async function openStdioBridge(agentSpec) {
  const { child } = await startPython("stdio_bridge.py", ["--agent", agentSpec]);
  /** id -> the callback that takes that request's answer lines. */
  const pending = new Map();
  let nextId = 0;
  createInterface({ input: child.stdout }).on("line", (line) => {
    // Decoding the whole answer is part of the cost, as Axon decodes its RunResponse.
    const answer = JSON.parse(line);
    pending.get(answer.id)(answer);
  });
  const send = (prompt, stream, onAnswer) => {
    const id = nextId++;
    pending.set(id, onAnswer);
    child.stdin.write(`${JSON.stringify(stream ? { id, prompt, stream } : { id, prompt })}\n`);
    return id;
  };
  const run = (prompt) =>
    new Promise((resolve, reject) => {
      const id = send(prompt, false, (answer) => {
        pending.delete(id);
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer);
      });
    });
  async function* stream(prompt) {
    const lines = [];
    let wake = () => {};
    const id = send(prompt, true, (answer) => {
      lines.push(answer);
      wake();
    });
    try {
      for (;;) {
        if (lines.length === 0) await new Promise((resolve) => (wake = resolve));
        const answer = lines.shift();
        if (answer.error) throw new Error(answer.error);
        if (answer.text === undefined) return yield { type: "result", result: answer };
        yield { type: "text-delta", text: answer.text };
      }
    } finally {
      pending.delete(id);
    }
  }
  return { pid: child.pid, run, stream, stop: () => stopPython(child) };
}
