import type { DescribeResponse } from "../gen/axon/v1/describe.js";
import { createFrameClient, type FrameClient } from "../transport/frame-client.js";
import {
  createWorkerClient,
  type WorkerClient,
  type WorkerClientOptions,
} from "../transport/worker-client.js";

/** How the host talks to a local worker: its frames socket, or gRPC. */
export type LocalTransport = "frames" | "grpc";

/** A worker that answered the handshake. */
export interface Handshake {
  address: string;
  /** The connection runs go over: frames when the worker offers them and the host wants them. */
  client: WorkerClient | FrameClient;
  describe: DescribeResponse;
}

/** Where the worker said it listens (its `ready` line). */
export interface ReadyAddresses {
  address: string;
  frames?: string;
}

/**
 * After the `ready` line: connect, check health (SERVING for AgentService), then `Describe`, over
 * the connection runs will take. The `ready` line alone only says the server was bound; the health
 * check proves the host can reach it, and `Describe` gives what `agents()` reports. All within
 * `deadline`.
 */
export async function handshake(
  ready: ReadyAddresses,
  deadline: number,
  clientOptions: WorkerClientOptions = {},
  transport: LocalTransport = "frames",
): Promise<Handshake> {
  const client =
    transport === "frames" && ready.frames
      ? createFrameClient(ready.frames, { maxMessageBytes: clientOptions.maxMessageBytes })
      : createWorkerClient(ready.address, clientOptions);
  const remaining = () => Math.max(1, deadline - Date.now());
  try {
    await client.checkHealth(remaining());
    const describe = await client.describe(remaining());
    return { address: ready.address, client, describe };
  } catch (error) {
    client.close();
    throw error;
  }
}
