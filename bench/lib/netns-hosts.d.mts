// Types of netns-hosts.mjs for the TypeScript test that shares it
// (packages/axon/test/remote/netns-scale-out.test.ts).

export declare const WORKER_PORT: number;

export interface NetnsHost {
  /** `h1`, `h2`, ... */
  name: string;
  /** The namespace, `<prefix>-hN`. */
  netns: string;
  /** The root namespace's end of the veth pair (same name as the namespace). */
  link: string;
  /** The host's address, 198.18.<subnet+N>.2. */
  address: string;
  /** Sets the root side of the link down: the host is cut off. */
  cut(): void;
  /** Sets it up again. */
  restore(): void;
}

export interface HostsOptions {
  /** Names every namespace and link (`<prefix>-hN`): leftovers are found by it. */
  prefix: string;
  count: number;
  /** Host N gets 198.18.<subnet+N>.0/30. Default: 0. */
  subnet?: number;
}

export interface NetnsWorker {
  /** `198.18.N.2:port`. */
  address: string;
  pid: number;
  stop(): Promise<void>;
}

export interface NetnsWorkerOptions {
  /** `name=module:attr`, as `--agent` takes it. */
  agent: string;
  /** Where Python imports the agent from. Default: the repository root. */
  cwd?: string;
  /** Default: WORKER_PORT. */
  port?: number;
  tls?: { cert: string; key: string };
  /** Set as AXON_WORKER_TOKEN. Default: none. */
  token?: string;
  env?: Record<string, string>;
  args?: string[];
  /** Default: 120000. */
  timeoutMs?: number;
}

/** A refused start: the worker's exit code and its `fatal` control message. */
export interface WorkerStartError extends Error {
  exitCode: number | string | null;
  fatal?: { message: string; hint: string };
}

export declare function netnsUnavailable(prefix: string): string | undefined;
export declare function removeHosts(options: { prefix: string; subnet?: number }): void;
export declare function createHosts(options: HostsOptions): NetnsHost[];
export declare function makeCertificates(
  dir: string,
  addresses: string[],
): { ca: string; cert: string; key: string };
export declare function startNetnsWorker(host: NetnsHost, options: NetnsWorkerOptions): Promise<NetnsWorker>;
