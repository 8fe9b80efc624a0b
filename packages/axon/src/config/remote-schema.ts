import { z } from "zod";
import { delayMs, positiveDelayMs } from "./delay-ms.js";
import { argString } from "./process-strings.js";

// `host:port`, `[v6]:port`, or `dns:///name:port` (gRPC's target syntax, authority left out).
const TARGET = /^(dns:\/\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/;

/**
 * Workers Axon does not spawn: pods behind a DNS name, hosts of their own (docs/scale-out.md).
 * Each address is one pool member, so least-in-flight routing and `maxConcurrency` see every one.
 */
export const remoteSchema = z
  .strictObject({
    /** `dns:///name:port` (one member per address it resolves to, resolved again every `resolveEveryMs` and when a member fails its health checks) or `host:port`. Required, at least one. */
    targets: z
      .array(
        z
          .string()
          .regex(TARGET, "a target like `dns:///workers.ns.svc.cluster.local:50051` or `10.1.2.3:50051`"),
      )
      .min(1),
    /** TLS: `ca` verifies the workers' certificates, `cert` + `key` are the host's own for mutual TLS (PEM file paths, relative to the config file). Default: plaintext, which needs `insecure: true` (docs/scale-out.md). */
    tls: z
      .strictObject({ ca: argString.optional(), cert: argString.optional(), key: argString.optional() })
      .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), "`cert` and `key` go together")
      .optional(),
    /** The bearer token the workers require, read from the host's environment variable `env` at start (never written in the config). Default: none. */
    token: z
      .strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name") })
      .optional(),
    /** Plaintext to the workers: only for a network nothing else can reach. Default: false. */
    insecure: z.boolean().default(false),
    /** How often DNS targets are resolved again (members join and leave). Default: 30000 ms. */
    resolveEveryMs: positiveDelayMs().int().default(30_000),
    /** HTTP/2 keepalive ping after this long without traffic: a cut link is noticed by a ping, not by TCP. Default: 10000 ms. */
    keepaliveMs: positiveDelayMs().int().default(10_000),
    /** A keepalive ping unanswered for this long gives the connection up (its runs fail retryable). Default: 5000 ms. */
    keepaliveTimeoutMs: positiveDelayMs().int().default(5_000),
    /** How long a member that left (no longer resolved) keeps its connection for the runs it still serves. Default: 60000 ms. */
    lingerMs: delayMs().default(60_000),
  })
  .refine((remote) => remote.tls !== undefined || remote.insecure, {
    message: "remote workers need `tls` (or `insecure: true` on a network nothing else can reach)",
  });

export type RemoteConfig = z.output<typeof remoteSchema>;
