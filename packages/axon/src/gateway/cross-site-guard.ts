// A tokenless gateway on loopback is reachable from every web page the user opens: a page may
// POST to http://127.0.0.1:4000 with a "simple" request (text/plain, no preflight), and without
// this guard it ran an agent. So every mutating request must (1) come from the gateway's own
// origin, an origin allowed with --cors, or no browser at all, and (2) carry a JSON body as JSON,
// which a browser cannot send cross-site without a CORS preflight.
// https://owasp.org/www-community/attacks/csrf, https://web.dev/articles/fetch-metadata
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./http-error.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function crossSiteGuard(allowedOrigins: readonly string[] = []): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const own = new URL(c.req.url).origin;
    const origin = c.req.header("origin");
    const allowed = origin !== undefined && (origin === own || allowedOrigins.includes(origin));
    // Browsers send Origin on every cross-origin POST; Sec-Fetch-Site covers one that does not.
    const site = c.req.header("sec-fetch-site");
    const crossSite = site !== undefined && site !== "same-origin" && site !== "none";
    if ((origin !== undefined && !allowed) || (origin === undefined && crossSite)) {
      const from = origin ?? `a ${site} page`;
      throw new HttpError(
        403,
        "forbidden_origin",
        `requests from ${from} are refused: only ${own} and the origins allowed with --cors may call this API from a browser`,
        { origin: origin ?? null },
      );
    }
    if (hasBody(c.req.raw) && !isJson(c.req.header("content-type"))) {
      throw new HttpError(
        415,
        "unsupported_media_type",
        `the body must be sent as application/json (got ${c.req.header("content-type") ?? "no content-type"})`,
        { field: "content-type" },
      );
    }
    return next();
  };
}

function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  return (length !== null && length !== "0") || request.headers.has("transfer-encoding");
}

function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type);
}
