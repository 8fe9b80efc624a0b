// Puts the gateway on a TCP socket, after checking the bind rule. The `axon serve` command
// calls this; its caller owns the Axon and closes it after `close()`.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { checkBindRule } from "./bind-rule.js";
import { createGateway, type GatewayOptions } from "./create-gateway.js";

export interface ServeGatewayOptions extends GatewayOptions {
  /** Address to listen on. Default: 127.0.0.1 (loopback). */
  host?: string;
  /** Port; 0 picks a free one. Default: 4000. */
  port?: number;
  /** Allow a non-loopback host without a token. Default: false. */
  insecure?: boolean;
}

export interface ServingGateway {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Stops listening and ends open streams (the Axon keeps running). */
  close(): Promise<void>;
}

export async function serveGateway(options: ServeGatewayOptions): Promise<ServingGateway> {
  const host = options.host ?? "127.0.0.1";
  checkBindRule({ host, token: options.token, insecure: options.insecure });
  const gateway = createGateway(options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: gateway.app.fetch, hostname: host, port: options.port ?? 4000 }, () =>
      resolve(listening),
    );
    listening.once("error", (error) => {
      gateway.close();
      reject(error);
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  options.logger?.info({ url }, "gateway listening");
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        gateway.close();
        // SSE streams (the dashboard's feed) never end by themselves: cut them.
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
