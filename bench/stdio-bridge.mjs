// Section 3, the peer: a python-shell-style bridge (bench/stdio_bridge.py), one Python process
// answering JSON lines on stdout, requests multiplexed by id so it too can have many in flight.
import { createInterface } from "node:readline";
import { measure } from "./lib/measure.mjs";
import { AGENT_SPEC, UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB, startPython, stopPython } from "./lib/python.mjs";

/** @returns {Promise<{ subjects: object, rss: object }>} */
export async function benchStdioBridge(p, log) {
  const { child } = await startPython("stdio_bridge.py", ["--agent", AGENT_SPEC]);
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
  const run = (prompt) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, prompt })}\n`);
    });
  try {
    log("  stdio-bridge.1.run");
    const measured = await measure(
      () => run(UNARY_PROMPT),
      p,
      () => [child.pid],
    );
    return {
      subjects: {
        "stdio-bridge.1.run": { label: "stdio JSON-lines bridge", processes: 1, op: "run", ...measured },
      },
      rss: { "stdio-bridge": rssMiB(child.pid) },
    };
  } finally {
    await stopPython(child);
  }
}
