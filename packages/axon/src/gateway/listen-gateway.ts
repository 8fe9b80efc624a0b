// The gateway's socket, apart from what it serves, so that `axon serve` can listen before any
// worker boots: a taken port fails at once rather than after the boot, and while the workers
// boot a client (or a load balancer's health check) gets a 503 `starting`, not a refused
// connection. It also counts the requests in flight, for a graceful stop.
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { AgentUnavailableError } from "../errors/host-errors.js";
import { ShuttingDownError } from "../errors/shutting-down-error.js";
import { checkBindRule } from "./bind-rule.js";
import type { Gateway } from "./create-gateway.js";
import type { GatewayLogger } from "./gateway-context.js";
import { toErrorResponse } from "./http-error.js";
import { listenError } from "./listen-error.js";
import { RETRY_AFTER_SECONDS } from "./retry-after.js";
import { LIVE_EVENTS_PATH } from "./routes/events-route.js";

export interface ListenGatewayOptions {
  /** Address to listen on. Default: 127.0.0.1 (loopback). */
  host?: string;
  /** Port; 0 picks a free one. Default: 4000. */
  port?: number;
  /** The token the gateway will require; the bind rule needs to know there is one. Default: none. */
  token?: string | undefined;
  /** Allow a non-loopback host without a token. Default: false. */
  insecure?: boolean;
  /** Logs the address. Default: silent. */
  logger?: GatewayLogger;
}

export interface ListeningGateway {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Serves `gateway` from now on; before, every request gets 503 (`state: "starting"` on /healthz). */
  attach(gateway: Gateway): void;
  /** Refuses new requests with 503 + `Retry-After` and turns /healthz 503; requests in flight go on. */
  drain(): void;
  /** Resolves when no request is in flight; the live-events feed, which never ends by itself, does not count. */
  idle(): Promise<void>;
  /**
   * Stops listening, waits up to `lingerMs` (default: 0) for the requests in flight, then cuts
   * every connection, open streams included. The gateway is closed; the Axon keeps running.
   */
  close(options?: { lingerMs?: number }): Promise<void>;
}

/** Listens on `host:port`; rejects with a `ConfigError` when the port is taken or the host is not local. */
export async function listenGateway(options: ListenGatewayOptions = {}): Promise<ListeningGateway> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 4000;
  checkBindRule({ host, token: options.token, insecure: options.insecure });
  let gateway: Gateway | undefined;
  let draining = false;
  const server = createAdaptorServer({
    fetch: (request, env) => (gateway ? gateway.app.fetch(request, env) : notServing(request, draining)),
    hostname: host,
  });

  let inFlight = 0;
  const idleWaiters: (() => void)[] = [];
  server.on("request", (request, response) => {
    // The path only, without URL parsing: a hostile request line ("//", "http://[") must not throw here.
    if ((request.url ?? "/").split("?")[0] === LIVE_EVENTS_PATH) return;
    inFlight += 1;
    // `close` comes once the response is sent or its connection is gone, streams included.
    response.once("close", () => {
      inFlight -= 1;
      if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, host, port));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  options.logger?.info({ url }, "gateway listening");

  const idle = () =>
    inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));
  let closed: Promise<void> | undefined;
  return {
    url,
    attach(next) {
      gateway = next;
      if (draining) next.drain();
    },
    drain() {
      draining = true;
      gateway?.drain();
    },
    idle,
    close({ lingerMs = 0 } = {}) {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        let timer: NodeJS.Timeout | undefined;
        const linger = new Promise<void>((resolve) => (timer = setTimeout(resolve, lingerMs)));
        await Promise.race([idle(), linger]);
        clearTimeout(timer);
        gateway?.close();
        // SSE streams (the dashboard's feed) never end by themselves: cut them.
        if ("closeAllConnections" in server) server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

/** The answer before a gateway is attached (workers boot) or when one stops before it was. */
function notServing(request: Request, draining: boolean): Response {
  const state = draining ? "draining" : "starting";
  const headers = { "Retry-After": RETRY_AFTER_SECONDS, ...(draining ? { Connection: "close" } : {}) };
  if (new URL(request.url).pathname === "/healthz") {
    return Response.json({ ok: false, state, agents: {} }, { status: 503, headers });
  }
  const error = draining
    ? new ShuttingDownError({ message: "the gateway is shutting down: retry on another instance" })
    : new AgentUnavailableError({ message: "the gateway is starting: its workers are booting, retry soon" });
  const { status, body } = toErrorResponse(error);
  return Response.json(body, { status, headers });
}
