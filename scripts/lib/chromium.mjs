#!/usr/bin/env node
// Debian's chromium for the browser tests (playwright-core drives it; no browser is ever
// downloaded by playwright). Installed on first use by the tests, not by `npm install`, so
// setup stays quick. Non-interactive: CI has no stdin. Run directly to install it ahead:
//   node scripts/lib/chromium.mjs
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { aptInstall } from "./apt.mjs";

export const chromiumPath = "/usr/bin/chromium";

function works() {
  return existsSync(chromiumPath) && spawnSync(chromiumPath, ["--version"], { stdio: "ignore" }).status === 0;
}

/** Returns the path of a working chromium, installing Debian's package when it is missing. */
export function ensureChromium() {
  if (works()) return chromiumPath;
  aptInstall({ tag: "axon chromium", pkg: "chromium", missing: `${chromiumPath} is missing`, check: works });
  return chromiumPath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(ensureChromium());
}
