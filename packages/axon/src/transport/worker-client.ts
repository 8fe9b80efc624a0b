import {
  type ChannelOptions,
  credentials,
  InterceptingCall,
  type Interceptor,
  Metadata,
} from "@grpc/grpc-js";
import { AgentUnavailableError } from "../errors/host-errors.js";
import { AgentServiceClient } from "../gen/axon/v1/agent_service.js";
import type { DescribeResponse } from "../gen/axon/v1/describe.js";
import { HealthCheckResponse_ServingStatus, HealthClient } from "../gen/grpc/health/v1/health.js";

/** The gRPC clients of one worker, sharing one channel (one HTTP/2 connection). */
export interface WorkerClient {
  readonly transport: "grpc";
  readonly address: string;
  readonly agentService: AgentServiceClient;
  /** Resolves when `grpc.health.v1` answers SERVING for AgentService; rejects otherwise. */
  checkHealth(timeoutMs: number): Promise<void>;
  describe(timeoutMs: number): Promise<DescribeResponse>;
  close(): void;
}

export interface WorkerClientOptions {
  /**
   * Largest message sent or received; the worker is started with the same limit
   * (`--max-message-bytes`), so neither side refuses what the other may send. Default: 64 MiB
   * (the config's `maxMessageBytes`).
   */
  maxMessageBytes?: number;
  /** TLS to a remote worker: `ca` verifies its certificate, `cert` + `key` are the host's own for mutual TLS (PEM). Default: plaintext. */
  tls?: {
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    /** The name the worker's certificate must carry when it differs from `address` (a pod dialled by IP, certified for its Service). Default: the host of `address`. */
    serverName?: string;
  };
  /** Sent as `authorization: Bearer <token>` with every AgentService call (not with health checks, which workers answer without one). Default: none. */
  token?: string;
  /** HTTP/2 keepalive for connections across a network: ping after `timeMs` without traffic, give the connection up when no answer comes within `timeoutMs`. Default: off (a Unix socket needs none). */
  keepalive?: { timeMs: number; timeoutMs: number };
}

/** The default of the config's `maxMessageBytes` (and of the worker's `--max-message-bytes`). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const AGENT_SERVICE = "axon.v1.AgentService";

/** Opens a client to a worker at `address`: `unix:/abs/path.sock`, or `host:port` (TLS with `tls`). */
export function createWorkerClient(address: string, options: WorkerClientOptions = {}): WorkerClient {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const channelOptions: ChannelOptions = {
    "grpc.max_receive_message_length": maxBytes,
    "grpc.max_send_message_length": maxBytes,
    // Keepalive pings only help across networks and NATs (a cut link is seen by a ping that gets
    // no answer, not by TCP, for minutes); a Unix socket has neither, and a local worker's exit is
    // seen directly by the supervisor.
    ...(options.keepalive
      ? {
          "grpc.keepalive_time_ms": options.keepalive.timeMs,
          "grpc.keepalive_timeout_ms": options.keepalive.timeoutMs,
          "grpc.keepalive_permit_without_calls": 1,
        }
      : { "grpc.keepalive_time_ms": -1 }),
    ...(options.tls?.serverName
      ? {
          "grpc.ssl_target_name_override": options.tls.serverName,
          "grpc.default_authority": options.tls.serverName,
        }
      : {}),
    // A worker that went away is replaced by a new client; do not wait long to notice.
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 1000,
  };
  const channelCredentials = options.tls
    ? credentials.createSsl(options.tls.ca ?? null, options.tls.key ?? null, options.tls.cert ?? null)
    : credentials.createInsecure();
  const token = options.token;
  // An interceptor, not call credentials: grpc-js sends those only over TLS, and a token over a
  // plaintext channel (an explicitly insecure worker) must still be checked.
  const withToken: Interceptor = (callOptions, nextCall) =>
    new InterceptingCall(nextCall(callOptions), {
      start(metadata, listener, next) {
        metadata.set("authorization", `Bearer ${token}`);
        next(metadata, listener);
      },
    });
  const agentService = new AgentServiceClient(address, channelCredentials, {
    ...channelOptions,
    ...(token ? { interceptors: [withToken] } : {}),
  });
  const health = new HealthClient(address, channelCredentials, {
    ...channelOptions,
    channelOverride: agentService.getChannel(),
  });
  const deadline = (timeoutMs: number) => ({ deadline: Date.now() + timeoutMs });
  return {
    transport: "grpc",
    address,
    agentService,
    checkHealth(timeoutMs) {
      return new Promise((resolve, reject) => {
        health.check({ service: AGENT_SERVICE }, new Metadata(), deadline(timeoutMs), (error, response) => {
          if (error) reject(error);
          else if (response.status !== HealthCheckResponse_ServingStatus.SERVING) {
            const answered = HealthCheckResponse_ServingStatus[response.status];
            reject(new AgentUnavailableError({ message: `health check answered ${answered}` }));
          } else resolve();
        });
      });
    },
    describe(timeoutMs) {
      return new Promise((resolve, reject) => {
        agentService.describe({}, new Metadata(), deadline(timeoutMs), (error, response) => {
          if (error) reject(error);
          else resolve(response);
        });
      });
    },
    close() {
      agentService.close();
    },
  };
}
