// The browser and static-file tests need the dashboard build (assets/dashboard); `npm install` builds it,
// this builds it when a test runs on a tree where it was not.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultDashboardDir } from "../../src/gateway/routes/dashboard-routes.js";
import { repoRoot } from "../helpers/start-axon.js";

export function ensureDashboardBuilt(): string {
  if (existsSync(join(defaultDashboardDir, "index.html"))) return defaultDashboardDir;
  const result = spawnSync("npm", ["run", "build", "--silent", "--workspace", "packages/dashboard"], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`building the dashboard failed: ${result.stderr}`);
  return defaultDashboardDir;
}
