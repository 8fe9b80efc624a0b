// Decomposition: the real worker (`python -m axon_worker`) driven by the bare grpc-js client,
// without Axon's host. Against `bare gRPC + agent.run` it isolates the worker's own cost; against
// `Axon` it isolates the host's (router, queue, options, result decoding).
import { join } from "node:path";
import { bareClients } from "./lib/grpc-client.mjs";
import { measure } from "./lib/measure.mjs";
import { AGENT_SPEC, STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { socketDir, startWorker, stopPython } from "./lib/python.mjs";

/** @returns {Promise<{ subjects: object }>} */
export async function benchWorkerDirect(p, log) {
  const subjects = {};
  const sockets = socketDir();
  const address = `unix:${join(sockets.dir, "worker.sock")}`;
  const { child } = await startWorker(AGENT_SPEC, address);
  const client = bareClients([address]);
  try {
    for (const [op, call] of [
      ["run", () => client.run({ agent: "echo", prompt: UNARY_PROMPT })],
      ["stream", () => client.stream({ agent: "echo", prompt: STREAM_PROMPT })],
    ]) {
      const id = `worker-direct.1.${op}`;
      log(`  ${id}`);
      subjects[id] = {
        label: `axon_worker, bare client (${op})`,
        processes: 1,
        op,
        ...(await measure(call, p, () => [child.pid])),
      };
    }
  } finally {
    client.close();
    await stopPython(child);
    sockets.remove();
  }
  return { subjects };
}
