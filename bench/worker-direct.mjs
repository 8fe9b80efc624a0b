// Decomposition: the real worker (`python -m axon_worker`) driven by the bare grpc-js client,
// without Axon's host. Against `bare gRPC + agent.run` it isolates the worker's own cost; against
// `Axon` it isolates the host's (router, queue, options, result decoding).
import { join } from "node:path";
import { bareClients } from "./lib/grpc-client.mjs";
import { STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { socketDir, startWorker, stopPython } from "./lib/python.mjs";
import { nodeSetup } from "./lib/setup.mjs";

/** Starts one worker; returns its run and stream setups. */
export async function startWorkerDirect({ agentSpec }) {
  const sockets = socketDir();
  const address = `unix:${join(sockets.dir, "worker.sock")}`;
  const { child } = await startWorker(agentSpec, address);
  const client = bareClients([address]);
  const pids = () => [child.pid];
  const setups = [
    ["run", () => client.run({ agent: "echo", prompt: UNARY_PROMPT })],
    ["stream", () => client.stream({ agent: "echo", prompt: STREAM_PROMPT })],
  ].map(([op, call]) =>
    nodeSetup({
      id: `worker-direct.1.${op}`,
      label: `axon_worker, bare client (${op})`,
      processes: 1,
      op,
      call,
      pids,
    }),
  );
  return {
    setups,
    rss: () => ({}),
    async stop() {
      client.close();
      await stopPython(child);
      sockets.remove();
    },
  };
}
