// The dashboard (packages/dashboard, built by Vite into this package's assets/) at `/`. Its files are the same
// for everyone and hold no data, so they are served without a token; everything it shows
// comes from /v1/* with the token (see docs/gateway.md).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import { dashboardAssetsDir } from "../../python-env/package-assets.js";
import { HttpError } from "../http-error.js";

/** The build shipped in the package (assets/dashboard). */
export const defaultDashboardDir = dashboardAssetsDir;

export function isDashboardPath(path: string): boolean {
  return path === "/" || path === "/index.html" || path.startsWith("/assets/") || path === "/favicon.svg";
}

export function dashboardRoutes(app: Hono, dashboardDir: string): void {
  if (!existsSync(join(dashboardDir, "index.html"))) {
    app.get("/", () => {
      // Only a clone of Axon's own repository can lack it: the published package always ships it.
      const hint = "run `npm install` in the axon repository (it builds packages/dashboard), then reload";
      throw new HttpError(404, "not_found", `the dashboard is not built: ${hint}`);
    });
    return;
  }
  const files = serveStatic({ root: dashboardDir });
  app.get("/", serveStatic({ root: dashboardDir, path: "index.html" }));
  app.get("/index.html", files);
  app.get("/favicon.svg", files);
  app.get("/assets/*", async (c, next) => {
    // Vite names assets by content hash, so they can be cached for good.
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return files(c, next);
  });
}
