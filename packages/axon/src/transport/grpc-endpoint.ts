import type { ClientReadableStream, ClientUnaryCall, ServiceError } from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { type AxonError, isAxonError } from "../errors/axon-error.js";
import { AgentUnavailableError } from "../errors/host-errors.js";
import type { RunEvent as ProtoRunEvent, RunResponse } from "../gen/axon/v1/run.js";
import { callErrorMapper } from "./call-error.js";
import { createEventDelivery } from "./map-run-event.js";
import { DEFAULT_MAX_MESSAGE_BYTES, type WorkerClient } from "./worker-client.js";
import type { EndpointExit, WorkerEndpoint } from "./worker-endpoint.js";

export interface GrpcEndpointOptions {
  /** Unique within the agent's pool. Required. */
  id: string;
  /** The open client of the worker (one HTTP/2 channel). Required. */
  client: WorkerClient;
  /** `local` for a process Axon supervises. Default: `remote`. */
  kind?: "local" | "remote";
  /** Resolves when a local worker's process exited. Default: never (a remote endpoint). */
  gone?: Promise<EndpointExit>;
  /** The channel's message limit (the config's `maxMessageBytes`), named in the error of a message over it. Default: 64 MiB. */
  maxMessageBytes?: number;
}

/** A worker reached over gRPC (grpc-js): the one endpoint kind for local and remote workers alike. */
export function createGrpcEndpoint(options: GrpcEndpointOptions): WorkerEndpoint {
  const { id, client } = options;
  const kind = options.kind ?? "remote";
  const gone = options.gone ?? new Promise<EndpointExit>(() => {});
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;

  const toAxonError = callErrorMapper({ id, kind, gone, maxMessageBytes });

  return {
    id,
    address: client.address,
    kind,
    gone,
    call(call) {
      return new Promise<RunResponse>((resolve, reject) => {
        let pending: ClientUnaryCall | ClientReadableStream<ProtoRunEvent> | undefined;
        const onAbort = () => pending?.cancel();
        const settle = (error: ServiceError | AxonError | undefined, response?: RunResponse) => {
          call.signal.removeEventListener("abort", onAbort);
          if (!error && response) resolve(response);
          else if (error && !isAxonError(error)) void toAxonError(error, call).then(reject);
          else reject(error);
        };
        const options = call.deadline === undefined ? {} : { deadline: call.deadline };
        if (!call.onEvent) {
          pending = client.agentService.run(call.request, call.metadata, options, (error, response) =>
            settle(error ?? undefined, response),
          );
        } else {
          const stream = client.agentService.runStream(call.request, call.metadata, options);
          // A message is one event or a batch of them (protocol 2); both go through one ordered
          // delivery that stops while the consumer is behind and resumes where it stopped.
          const delivery = createEventDelivery(call.onEvent, stream);
          stream.on("data", (message: ProtoRunEvent) => delivery.push(message));
          stream.on("error", (error: ServiceError) => settle(error));
          stream.on("status", (s) => {
            if (s.code !== status.OK) return;
            // grpc-js emits the status as soon as it arrives, before messages buffered while the
            // stream was paused for a slow consumer: settle once they were read ('end') and
            // every event of the last batch was delivered.
            const delivered = () => delivery.whenEnded(call, settle);
            if (stream.readableEnded) delivered();
            else stream.once("end", delivered);
          });
          pending = stream;
        }
        call.signal.addEventListener("abort", onAbort, { once: true });
        if (call.signal.aborted) onAbort();
      });
    },
    describe: (timeoutMs) => client.describe(timeoutMs),
    async checkHealth(timeoutMs) {
      try {
        await client.checkHealth(timeoutMs);
      } catch (error) {
        if (isAxonError(error)) throw error;
        const reason = (error as ServiceError).details || (error as Error).message;
        throw new AgentUnavailableError({
          message: `the health check of ${id} failed: ${reason}`,
          cause: error,
        });
      }
    },
    close: () => client.close(),
  };
}
