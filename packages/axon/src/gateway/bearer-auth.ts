// Bearer-token auth. The comparison is constant-time over SHA-256 digests, so neither the
// token's content nor its length leaks through response timing.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./http-error.js";

export interface BearerAuthOptions {
  /** The token clients must send as `Authorization: Bearer <token>`. */
  token: string;
  /** Paths served without a token (exact matches or prefixes ending in `/`). */
  publicPaths: (path: string) => boolean;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

export function tokenMatches(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler {
  return async (c, next) => {
    if (options.publicPaths(c.req.path)) return next();
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1] || !tokenMatches(options.token, match[1])) {
      c.header("WWW-Authenticate", 'Bearer realm="axon"');
      throw new HttpError(
        401,
        "unauthorized",
        "a valid bearer token is required (Authorization: Bearer <token>)",
      );
    }
    return next();
  };
}
