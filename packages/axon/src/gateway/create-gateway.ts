// The gateway as a Hono app over an `Axon`: routes, auth, JSON errors. `serveGateway` puts it
// on a socket; tests and embedders can call `app.fetch` directly.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { ApprovalSigner } from "./approval-signatures.js";
import type { GatewayAxon } from "./axon-types.js";
import { bearerAuth } from "./bearer-auth.js";
import { ContinuationGuard } from "./continuation-guard.js";
import { crossSiteGuard } from "./cross-site-guard.js";
import { type GatewayContext, type GatewayLogger, silentLogger } from "./gateway-context.js";
import { GatewayMetrics } from "./gateway-metrics.js";
import { HttpError, toErrorResponse } from "./http-error.js";
import { LiveEvents } from "./live-events.js";
import { DEFAULT_MAX_BODY_BYTES } from "./read-json-body.js";
import { refuseWhileDraining } from "./refuse-while-draining.js";
import { RETRY_AFTER_SECONDS } from "./retry-after.js";
import { agentRoutes } from "./routes/agent-routes.js";
import { chatRoute } from "./routes/chat-route.js";
import { dashboardRoutes, defaultDashboardDir, isDashboardPath } from "./routes/dashboard-routes.js";
import { eventsRoute } from "./routes/events-route.js";
import { healthRoutes } from "./routes/health-routes.js";
import { metaRoutes } from "./routes/meta-routes.js";
import { runRoutes } from "./routes/run-routes.js";
import { storedRunRoutes } from "./routes/stored-run-routes.js";
import { streamRoute } from "./routes/stream-route.js";
import { threadRoutes } from "./routes/thread-routes.js";
import { traceRequests } from "./trace-requests.js";
import { UsedSignatures } from "./used-signatures.js";

export interface GatewayOptions {
  /** The running Axon whose agents are served. The gateway never closes it. */
  axon: GatewayAxon;
  /** Bearer token required on every route but /healthz and the dashboard's files. Default: none. */
  token?: string | undefined;
  /** Largest request body accepted, in bytes; more is a 413. Default: 1 MiB. */
  maxBodyBytes?: number;
  /** Origins allowed to call the API from a browser (CORS), e.g. a `useChat` app. Default: none. */
  corsOrigins?: string[];
  /** Where the built dashboard is. Default: the one shipped in the package (assets/dashboard). */
  dashboardDir?: string;
  /** Period of status snapshots on /v1/events. Default: 1000 ms. */
  statusIntervalMs?: number;
  /** Logs requests that failed on the server side. Default: silent. */
  logger?: GatewayLogger;
  /**
   * The key that signs the tool calls a paused run leaves open (at least 16 bytes); replicas
   * behind one load balancer need the same one (`axon serve` reads `AXON_APPROVAL_KEY`).
   * Default: random per gateway, so its signatures die with the process.
   */
  approvalKey?: string | Uint8Array | undefined;
  /** How long a pending call's signature stays valid, in ms. Default: 3,600,000 (1 hour). */
  approvalTtlMs?: number;
  /**
   * Run the tool calls a client's `messageHistory` leaves open without checking that this server
   * issued them. Dangerous: any caller can then run any tool with any arguments, approval or
   * not. Only for a trusted internal caller that keeps its own histories. Default: false.
   */
  trustClientHistory?: boolean;
  /** Most open tool calls one continuation may carry; more is a 400. Default: 64. */
  maxPendingToolCalls?: number;
}

export interface Gateway {
  /** The Hono app; `app.fetch` is a standard `(Request) => Response` handler. */
  app: Hono;
  /** Refuses new requests with 503 + `Retry-After` and turns /healthz 503, so that a load balancer drains this instance; requests in flight go on. */
  drain(): void;
  /** Detaches from the Axon's events and stops the live feed (the Axon keeps running). */
  close(): void;
}

export function createGateway(options: GatewayOptions): Gateway {
  const logger = options.logger ?? silentLogger;
  const live = new LiveEvents(options.axon, { statusIntervalMs: options.statusIntervalMs });
  const context: GatewayContext = {
    axon: options.axon,
    metrics: new GatewayMetrics(),
    live,
    logger,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    continuations: new ContinuationGuard({
      signer: new ApprovalSigner(options.approvalKey, options.approvalTtlMs),
      used: new UsedSignatures(),
      trustClientHistory: options.trustClientHistory,
      maxPendingToolCalls: options.maxPendingToolCalls,
    }),
    draining: false,
  };
  const app = new Hono();

  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500 && !(error instanceof HttpError)) {
      logger.error({ err: error, method: c.req.method, path: c.req.path }, "request failed");
    }
    // Overloaded, or unavailable for a while (shutting down, restarting): try again (elsewhere) soon.
    if (status === 429 || (status === 503 && body.error.retryable))
      c.header("Retry-After", RETRY_AFTER_SECONDS);
    // The rest of a refused body is still on the wire: close the connection, or a client that
    // reuses it sends its next request behind the unread bytes and gets a reset.
    if (status === 413) c.header("Connection", "close");
    return c.json(body, status as 400);
  });
  app.notFound((c) => {
    const { status, body } = toErrorResponse(
      new HttpError(404, "not_found", `no route ${c.req.method} ${c.req.path}`),
    );
    return c.json(body, status as 404);
  });

  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use(
      "*",
      cors({
        origin: options.corsOrigins,
        exposeHeaders: ["X-Axon-Run-Id", "X-Axon-Trace-Id", "Retry-After"],
        maxAge: 600,
      }),
    );
  }
  // First of the rest: refusals (503, 401, 429) are traced too, inside the caller's trace.
  app.use("*", traceRequests());
  // After CORS (a browser must be able to read the 503), before auth (no token needed to learn it).
  app.use("*", refuseWhileDraining(context));
  if (options.token) {
    const publicPaths = (path: string) => path === "/healthz" || isDashboardPath(path);
    app.use("*", bearerAuth({ token: options.token, publicPaths }));
  }
  // After CORS (its preflight answers first) and auth, before every route that acts.
  app.use("*", crossSiteGuard(options.corsOrigins));

  healthRoutes(app, context);
  agentRoutes(app, context);
  runRoutes(app, context);
  streamRoute(app, context);
  chatRoute(app, context);
  threadRoutes(app, context);
  storedRunRoutes(app, context);
  eventsRoute(app, context);
  metaRoutes(app, context);
  dashboardRoutes(app, options.dashboardDir ?? defaultDashboardDir);

  return {
    app,
    drain: () => {
      context.draining = true;
    },
    close: () => live.close(),
  };
}
