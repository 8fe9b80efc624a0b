// What every route needs, built once by `createGateway`.
import type { GatewayAxon } from "./axon-types.js";
import type { ContinuationGuard } from "./continuation-guard.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import { HttpError } from "./http-error.js";
import type { LiveEvents } from "./live-events.js";

/** The few pino methods the gateway calls; a pino logger fits. */
export interface GatewayLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface GatewayContext {
  axon: GatewayAxon;
  metrics: GatewayMetrics;
  live: LiveEvents;
  logger: GatewayLogger;
  maxBodyBytes: number;
  /** Signs the tool calls a paused run leaves open and admits only continuations that carry them. */
  continuations: ContinuationGuard;
  /** Set by `Gateway.drain()`: new requests get 503 and /healthz turns 503. */
  draining: boolean;
}

export const silentLogger: GatewayLogger = { info() {}, warn() {}, error() {} };

/** Fails with a 404 listing the known agents before any run or stream starts. */
export function requireAgent(context: GatewayContext, name: string): void {
  const known = [...new Set(context.axon.status().map((w) => w.agent))];
  if (!known.includes(name)) {
    throw new HttpError(404, "agent_not_found", `no agent named "${name}" (known: ${known.join(", ")})`, {
      agent: name,
      knownAgents: known,
    });
  }
}
