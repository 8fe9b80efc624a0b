// The dashboard (packages/dashboard, built by Vite into dist/) at `/`. Its files are the same
// for everyone and hold no data, so they are served without a token; everything it shows
// comes from /v1/* with the token (see docs/gateway.md).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import { HttpError } from "../http-error.js";

/** packages/dashboard/dist, from src/gateway/routes or dist/gateway/routes alike. */
export const defaultDashboardDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../../dashboard/dist",
);

export function isDashboardPath(path: string): boolean {
  return path === "/" || path === "/index.html" || path.startsWith("/assets/") || path === "/favicon.svg";
}

export function dashboardRoutes(app: Hono, dashboardDir: string): void {
  if (!existsSync(join(dashboardDir, "index.html"))) {
    app.get("/", () => {
      const hint = "run `npm run build --workspace axon-dashboard` (npm install does it), then reload";
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
