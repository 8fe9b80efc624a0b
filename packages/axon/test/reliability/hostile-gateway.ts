// The Axon and gateway the hostile-input tests attack: `echo` (no deps) and `greeter` (typed
// deps, from the worker's own test fixtures), on real workers, on a free loopback port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { statusForCode } from "../../src/gateway/http-error.js";
import { type ServeGatewayOptions, serveGateway } from "../../src/gateway/index.js";
import type { Axon } from "../../src/index.js";
import { repoRoot, startAxon } from "../helpers/start-axon.js";

export const hostileAgents = {
  echo: { module: "examples.agents.echo:agent" },
  greeter: { module: "greeter:agent" },
};

/** Its threads live in a temporary embedded store, removed at close. */
export async function startHostileAxon(): Promise<Axon> {
  const dir = mkdtempSync(join(tmpdir(), "axon-hostile-store-"));
  const axon = await startAxon(hostileAgents, {
    python: { cwd: repoRoot, env: { PYTHONPATH: join(repoRoot, "python/tests/fixtures") } },
    storage: { dir },
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const close = axon.close.bind(axon);
  axon.close = async (options) => {
    await close(options);
    rmSync(dir, { recursive: true, force: true });
  };
  return axon;
}

export interface HostileGateway {
  axon: Axon;
  url: string;
  /** A raw request: the body goes out exactly as given (bytes, broken JSON, anything). */
  send(
    method: string,
    path: string,
    body?: string | Uint8Array,
    headers?: Record<string, string>,
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startHostileGateway(
  options: Partial<ServeGatewayOptions> = {},
): Promise<HostileGateway> {
  const axon = await startHostileAxon();
  const served = await serveGateway({ axon, port: 0, ...options });
  return {
    axon,
    url: served.url,
    send: (method, path, body, headers = {}) =>
      fetch(served.url + path, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: method === "GET" || method === "HEAD" ? undefined : body,
      }),
    async close() {
      await served.close();
      await axon.close({ timeoutMs: 2000 });
    },
  };
}

/**
 * The codes a client's input may cause, with the statuses docs/gateway.md gives them; anything
 * else (a 5xx above all) is a bug when the agents themselves never fail.
 */
const clientErrorCodes = [
  "invalid_request",
  "unauthorized",
  "agent_not_found",
  "not_found",
  "run_not_found",
  "payload_too_large",
  "unsupported_media_type",
  "forbidden_origin",
  "approval_not_issued",
  "approval_expired",
  "approval_replayed",
  "thread_not_found",
  "thread_busy",
  "thread_exists",
  "run_ended",
  "webhook_unsigned",
  "usage_limit_exceeded",
  "overloaded",
  "cancelled",
  "timeout",
] as const;
export const documentedStatus: Record<string, number> = Object.fromEntries(
  clientErrorCodes.map((code) => [code, statusForCode(code)]),
);
