import { lookup } from "node:dns/promises";
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { RemoteConfig } from "../config/remote-schema.js";
import { ConfigError } from "../errors/host-errors.js";
import type { DescribeResponse } from "../gen/axon/v1/describe.js";
import { createGrpcEndpoint } from "../transport/grpc-endpoint.js";
import type { HealthCheckConfig } from "../transport/health-monitor.js";
import { watchHealth } from "../transport/health-monitor.js";
import { createWorkerClient } from "../transport/worker-client.js";
import type { WorkerEndpoint } from "../transport/worker-endpoint.js";
import type { AgentPool } from "./agent-pool.js";

/** Resolves a host name to its addresses. Default: the system's resolver (getaddrinfo: DNS, /etc/hosts). */
export type ResolveHost = (host: string) => Promise<string[]>;

export interface RemoteMembersOptions {
  agent: string;
  remote: RemoteConfig;
  pool: AgentPool;
  healthCheck: HealthCheckConfig;
  /** The channels' message limit (the config's `maxMessageBytes`). */
  maxMessageBytes: number;
  logger: Logger;
  /** The host's environment, where the token is read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default: the system's resolver. */
  resolveHost?: ResolveHost;
  /** Each member's first Describe answer (the agents' schemas for `agents()`). */
  onDescribe?(describe: DescribeResponse): void;
}

/** One agent's remote workers: a source of pool members, next to the supervisor's local children. */
export interface RemoteMembers {
  /** Resolves the targets once and adds their members; later changes come by themselves. */
  start(): Promise<void>;
  /** Resolves again now (also done after a member's connection was lost). */
  refresh(): Promise<void>;
  /** The targets as configured, for status rows while nothing resolved. */
  readonly targets: readonly string[];
  close(): void;
}

const defaultResolve: ResolveHost = async (host) =>
  (await lookup(host, { all: true })).map(({ address, family }) => (family === 6 ? `[${address}]` : address));

/**
 * Members from `remote.targets`: a `host:port` is one member; a `dns:///name:port` is one member
 * per address it resolves to, so least-in-flight routing and per-member concurrency see every
 * pod. Names are resolved again every `resolveEveryMs`: members join and leave without touching
 * runs elsewhere (a leaving member keeps its connection for `lingerMs` for what it still serves).
 * Each member's health is checked like a local worker's; a failing one is taken out of routing
 * and put back when it answers again.
 */
export function createRemoteMembers(options: RemoteMembersOptions): RemoteMembers {
  const { agent, remote, pool, logger } = options;
  const resolveHost = options.resolveHost ?? defaultResolve;
  const env = options.env ?? process.env;
  const token = readToken(remote, env, agent);
  const tls = remote.tls && readTls(remote.tls, agent);
  const live = new Map<string, { endpoint: WorkerEndpoint; stopHealth: () => void }>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let resolving: Promise<void> | undefined;

  // A member of `dns:///name:port` is dialled by its address, but its certificate names the
  // Service (`name`), as a pod's certificate does: TLS checks that name, not the pod's IP.
  const serverNames = new Map<string, string>();
  const join = (address: string) => {
    const id = `${agent}@${address}`;
    const client = createWorkerClient(address, {
      maxMessageBytes: options.maxMessageBytes,
      tls: tls && { ...tls, serverName: serverNames.get(address) },
      token,
      keepalive: { timeMs: remote.keepaliveMs, timeoutMs: remote.keepaliveTimeoutMs },
    });
    const endpoint = createGrpcEndpoint({
      id,
      client,
      kind: "remote",
      maxMessageBytes: options.maxMessageBytes,
    });
    pool.add({ id, endpoint });
    const stopHealth = watchHealth({
      ...options.healthCheck,
      // Every passing check puts the member back: also one a lost connection took out (call-worker.ts).
      check: async (timeoutMs) => {
        await endpoint.checkHealth(timeoutMs);
        pool.setHealthy(id, true);
      },
      onFailure: () => pool.noteHealthFailure(id),
      onHung(reason) {
        logger.warn({ agent, member: id }, `remote worker unhealthy: ${reason}`);
        pool.setHealthy(id, false);
        void refresh();
      },
      onRecovered() {
        logger.info({ agent, member: id }, "remote worker healthy again");
        pool.setHealthy(id, true);
      },
    });
    live.set(address, { endpoint, stopHealth });
    logger.info({ agent, member: id }, "remote worker joined");
    void endpoint.describe(options.healthCheck.timeoutMs).then(
      (describe) => options.onDescribe?.(describe),
      (error: unknown) =>
        logger.warn({ agent, member: id, err: error }, "remote worker did not describe itself"),
    );
  };

  const leave = (address: string) => {
    const member = live.get(address);
    if (!member) return;
    live.delete(address);
    member.stopHealth();
    pool.remove(member.endpoint.id);
    logger.info({ agent, member: member.endpoint.id }, "remote worker left");
    setTimeout(() => member.endpoint.close(), remote.lingerMs).unref();
  };

  const resolveAll = async (): Promise<string[]> => {
    const addresses = await Promise.all(
      remote.targets.map(async (target) => {
        const { host, port, dns } = parseTarget(target);
        if (!dns) return [`${host}:${port}`];
        try {
          const addresses = (await resolveHost(host)).map((address) => `${address}:${port}`);
          for (const address of addresses) serverNames.set(address, host);
          return addresses;
        } catch (error) {
          // Keep what we have: a resolver hiccup must not empty a pool that serves.
          logger.warn(
            { agent, target, err: error },
            "cannot resolve remote workers; keeping the current ones",
          );
          return [...live.keys()].filter((address) => address.endsWith(`:${port}`));
        }
      }),
    );
    return [...new Set(addresses.flat())];
  };

  const refresh = (): Promise<void> => {
    resolving ??= (async () => {
      try {
        const addresses = await resolveAll();
        if (closed) return;
        for (const address of addresses) if (!live.has(address)) join(address);
        for (const address of [...live.keys()]) if (!addresses.includes(address)) leave(address);
      } finally {
        resolving = undefined;
      }
    })();
    return resolving;
  };

  return {
    targets: remote.targets,
    async start() {
      await refresh();
      const again = () => {
        timer = setTimeout(() => void refresh().finally(again), remote.resolveEveryMs);
        timer.unref();
      };
      again();
    },
    refresh,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const { endpoint, stopHealth } of live.values()) {
        stopHealth();
        endpoint.close();
      }
      live.clear();
    },
  };
}

function parseTarget(target: string): { host: string; port: string; dns: boolean } {
  const dns = target.startsWith("dns:///");
  const rest = dns ? target.slice("dns:///".length) : target;
  const colon = rest.lastIndexOf(":");
  return { host: rest.slice(0, colon).replace(/^\[|\]$/g, ""), port: rest.slice(colon + 1), dns };
}

function readToken(remote: RemoteConfig, env: NodeJS.ProcessEnv, agent: string): string | undefined {
  if (!remote.token) return undefined;
  const token = env[remote.token.env];
  if (!token) {
    throw new ConfigError({
      message: `agents.${agent}.remote.token: the environment variable ${remote.token.env} is not set; set it to the workers' token`,
      field: `agents.${agent}.remote.token`,
    });
  }
  return token;
}

function readTls(tls: NonNullable<RemoteConfig["tls"]>, agent: string) {
  const read = (key: "ca" | "cert" | "key") => {
    const path = tls[key];
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError({
        message: `agents.${agent}.remote.tls.${key}: cannot read ${path} (${(error as Error).message})`,
        field: `agents.${agent}.remote.tls.${key}`,
        cause: error,
      });
    }
  };
  return { ca: read("ca"), cert: read("cert"), key: read("key") };
}
