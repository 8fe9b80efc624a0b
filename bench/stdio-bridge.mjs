// Section 3, the peer: a python-shell-style bridge (bench/stdio_bridge.py), one Python process
// answering JSON lines on stdout, requests multiplexed by id so it too can have many in flight.
import { createInterface } from "node:readline";
import { UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB, startPython, stopPython } from "./lib/python.mjs";
import { nodeSetup } from "./lib/setup.mjs";

/** Starts the bridge; returns its one setup (unary runs). */
export async function startStdioBridge({ agentSpec }) {
  const { child } = await startPython("stdio_bridge.py", ["--agent", agentSpec]);
  const pending = new Map();
  let nextId = 0;
  createInterface({ input: child.stdout }).on("line", (line) => {
    // Decoding the whole answer is part of the cost, as Axon decodes its RunResponse.
    const answer = JSON.parse(line);
    const { resolve, reject } = pending.get(answer.id);
    pending.delete(answer.id);
    if (answer.error) reject(new Error(answer.error));
    else resolve(answer);
  });
  const call = () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, prompt: UNARY_PROMPT })}\n`);
    });
  const label = "stdio JSON-lines bridge";
  return {
    setups: [
      nodeSetup({ id: "stdio-bridge.1.run", label, processes: 1, op: "run", call, pids: () => [child.pid] }),
    ],
    rss: () => ({ "stdio-bridge": rssMiB(child.pid) }),
    stop: () => stopPython(child),
  };
}
