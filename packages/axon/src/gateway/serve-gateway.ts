// Puts the gateway on a TCP socket, after checking the bind rule: `listenGateway` and then
// `createGateway` at once. Its caller owns the Axon and closes it after `close()`.
import { createGateway, type GatewayOptions } from "./create-gateway.js";
import { type ListeningGateway, listenGateway } from "./listen-gateway.js";

export interface ServeGatewayOptions extends GatewayOptions {
  /** Address to listen on. Default: 127.0.0.1 (loopback). */
  host?: string;
  /** Port; 0 picks a free one. Default: 4000. */
  port?: number;
  /** Allow a non-loopback host without a token. Default: false. */
  insecure?: boolean;
}

/** A gateway on its socket: `url`, `drain()`, `idle()` and `close()`, as `ListeningGateway`. */
export type ServingGateway = Omit<ListeningGateway, "attach">;

export async function serveGateway(options: ServeGatewayOptions): Promise<ServingGateway> {
  const listening = await listenGateway(options);
  listening.attach(createGateway(options));
  return listening;
}
