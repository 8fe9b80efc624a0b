// A bare @grpc/grpc-js client for the baselines, with the generated AgentService code the
// library uses (packages/axon/dist/gen), so both encode the same messages the same way.
import { credentials } from "@grpc/grpc-js";
import { AgentServiceClient } from "../../packages/axon/dist/gen/axon/v1/agent_service.js";
import { RunRequest } from "../../packages/axon/dist/gen/axon/v1/run.js";

/** One client (one HTTP/2 connection) per address; `pick()` spreads calls round-robin. */
export function bareClients(addresses) {
  const clients = addresses.map((address) => new AgentServiceClient(address, credentials.createInsecure()));
  let next = 0;
  const pick = () => clients[next++ % clients.length];
  return {
    /** One unary Run of `{ agent, prompt }`; resolves with the response. */
    run: (fields) =>
      new Promise((resolve, reject) => {
        pick().run(RunRequest.fromPartial(fields), (error, response) =>
          error ? reject(error) : resolve(response),
        );
      }),
    /** One RunStream of `{ agent, prompt }`; resolves with the number of events (batches unpacked) and the time to the first one (ms). */
    stream: (fields) =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        let items = 0;
        let firstMs;
        const call = pick().runStream(RunRequest.fromPartial(fields));
        call.on("data", (message) => {
          if (items === 0) firstMs = performance.now() - t0;
          // A worker of protocol 2 sends events ready at once as one `batch` message.
          items += message.event?.$case === "batch" ? message.event.value.events.length : 1;
        });
        call.on("error", reject);
        call.on("end", () => resolve({ items, firstMs }));
      }),
    close: () => {
      for (const client of clients) client.close();
    },
  };
}
