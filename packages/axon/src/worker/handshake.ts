import type { DescribeResponse } from "../gen/axon/v1/describe.js";
import {
  createWorkerClient,
  type WorkerClient,
  type WorkerClientOptions,
} from "../transport/worker-client.js";

/** A worker that answered the handshake. */
export interface Handshake {
  address: string;
  client: WorkerClient;
  describe: DescribeResponse;
}

/**
 * After the `ready` line: connect, check `grpc.health.v1` (SERVING for AgentService), then
 * `Describe`. The `ready` line alone only says the server was bound; the health check proves the
 * host can reach it, and `Describe` gives what `agents()` reports. All within `deadline`.
 */
export async function handshake(
  address: string,
  deadline: number,
  clientOptions: WorkerClientOptions = {},
): Promise<Handshake> {
  const client = createWorkerClient(address, clientOptions);
  const remaining = () => Math.max(1, deadline - Date.now());
  try {
    await client.checkHealth(remaining());
    const describe = await client.describe(remaining());
    return { address, client, describe };
  } catch (error) {
    client.close();
    throw error;
  }
}
