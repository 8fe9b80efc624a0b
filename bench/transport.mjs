// Section 1, the transport limit: bare grpc.aio servers (bench/bare_grpc_server.py) driven by a
// bare grpc-js client over Unix sockets, with 1 and 2 server processes like Axon's 1 and 2
// instances. Two server modes: `transport` replays the echo agent's exact answer (gRPC +
// protobuf only), `agent` calls agent.run per request (the least a hand-written server does).
import { join } from "node:path";
import { bareClients } from "./lib/grpc-client.mjs";
import { measure } from "./lib/measure.mjs";
import { AGENT_SPEC, STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB, socketDir, startPython, stopPython } from "./lib/python.mjs";

const LABELS = { transport: "bare gRPC, no agent", agent: "bare gRPC + agent.run" };

/** @returns {Promise<{ subjects: object, rss: object }>} */
export async function benchTransport(p, log) {
  const subjects = {};
  const rss = {};
  for (const mode of ["transport", "agent"]) {
    const sockets = socketDir();
    const addresses = [0, 1].map((i) => `unix:${join(sockets.dir, `${mode}-${i}.sock`)}`);
    const servers = await Promise.all(
      addresses.map((address) =>
        startPython("bare_grpc_server.py", ["--listen", address, "--mode", mode, "--agent", AGENT_SPEC]),
      ),
    );
    try {
      for (const processes of [1, 2]) {
        const client = bareClients(addresses.slice(0, processes));
        const pids = () => servers.slice(0, processes).map(({ child }) => child.pid);
        try {
          for (const [op, call] of [
            ["run", () => client.run({ agent: "echo", prompt: UNARY_PROMPT })],
            ["stream", () => client.stream({ agent: "echo", prompt: STREAM_PROMPT })],
          ]) {
            const id = `bare-${mode}.${processes}.${op}`;
            log(`  ${id}`);
            subjects[id] = {
              label: `${LABELS[mode]} (${op})`,
              processes,
              op,
              ...(await measure(call, p, pids)),
            };
          }
        } finally {
          client.close();
        }
      }
      rss[`bare-${mode}`] = rssMiB(servers[0].child.pid);
    } finally {
      await Promise.all(servers.map(({ child }) => stopPython(child)));
      sockets.remove();
    }
  }
  return { subjects, rss };
}
