// Workers in memory, for tests of the pool and of runs that need no Python and no gRPC (as
// connect-es tests with its router transport): an endpoint whose calls a test function answers.
import { CancelledError } from "../../src/errors/worker-errors.js";
import { RunResponse } from "../../src/gen/axon/v1/run.js";
import type { EndpointCall, EndpointExit, WorkerEndpoint } from "../../src/transport/worker-endpoint.js";

export interface MemoryEndpoint extends WorkerEndpoint {
  /** Calls received, in order. */
  readonly calls: EndpointCall[];
  /** Makes `gone` resolve, as a local worker's exit does. */
  exit(exit?: EndpointExit): void;
}

export interface MemoryEndpointOptions {
  /** Answers a call: a response, or a throw of an `AxonError`. Default: an empty response. */
  answer?: (call: EndpointCall) => Promise<RunResponse> | RunResponse;
  kind?: "local" | "remote";
  /** Answers health checks. Default: healthy. */
  healthy?: () => boolean;
}

export function createMemoryEndpoint(id: string, options: MemoryEndpointOptions = {}): MemoryEndpoint {
  const calls: EndpointCall[] = [];
  let markGone: (exit: EndpointExit) => void = () => {};
  const gone = new Promise<EndpointExit>((resolve) => (markGone = resolve));
  return {
    id,
    address: `memory:${id}`,
    kind: options.kind ?? "local",
    gone,
    calls,
    exit: (exit = { exitCode: 0, signal: null }) => markGone(exit),
    async call(call) {
      calls.push(call);
      if (call.signal.aborted) throw new CancelledError({ message: "cancelled", agent: call.agent });
      return options.answer ? options.answer(call) : RunResponse.fromPartial({});
    },
    describe: async () => ({ agents: [], versions: {} }) as never,
    async checkHealth() {
      if (options.healthy && !options.healthy()) throw new Error(`${id} is unhealthy`);
    },
    close() {},
  };
}
