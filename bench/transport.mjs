// Section 1, the transport limit: bare grpc.aio servers (bench/bare_grpc_server.py) driven by a
// bare grpc-js client over Unix sockets, with 1 and 2 server processes like Axon's 1 and 2
// instances. Two server modes: `transport` replays the echo agent's exact answer (gRPC +
// protobuf only), `agent` calls agent.run per request (the least a hand-written server does).
import { join } from "node:path";
import { bareClients } from "./lib/grpc-client.mjs";
import { STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { rssMiB, socketDir, startPython, stopPython } from "./lib/python.mjs";
import { nodeSetup } from "./lib/setup.mjs";

const LABELS = { transport: "bare gRPC, no agent", agent: "bare gRPC + agent.run" };

/** Starts 2 servers per mode; returns 8 setups (mode x 1|2 processes x run|stream). */
export async function startTransport({ agentSpec }) {
  const sockets = socketDir();
  const setups = [];
  const servers = {};
  const clients = [];
  for (const mode of ["transport", "agent"]) {
    const addresses = [0, 1].map((i) => `unix:${join(sockets.dir, `${mode}-${i}.sock`)}`);
    servers[mode] = await Promise.all(
      addresses.map((address) =>
        startPython("bare_grpc_server.py", ["--listen", address, "--mode", mode, "--agent", agentSpec]),
      ),
    );
    for (const processes of [1, 2]) {
      const client = bareClients(addresses.slice(0, processes));
      clients.push(client);
      const pids = () => servers[mode].slice(0, processes).map(({ child }) => child.pid);
      for (const [op, call] of [
        ["run", () => client.run({ agent: "echo", prompt: UNARY_PROMPT })],
        ["stream", () => client.stream({ agent: "echo", prompt: STREAM_PROMPT })],
      ]) {
        const label = `${LABELS[mode]} (${op})`;
        setups.push(nodeSetup({ id: `bare-${mode}.${processes}.${op}`, label, processes, op, call, pids }));
      }
    }
  }
  return {
    setups,
    rss: () => ({
      "bare-transport": rssMiB(servers.transport[0].child.pid),
      "bare-agent": rssMiB(servers.agent[0].child.pid),
    }),
    async stop() {
      for (const client of clients) client.close();
      await Promise.all(Object.values(servers).flatMap((list) => list.map(({ child }) => stopPython(child))));
      sockets.remove();
    },
  };
}
