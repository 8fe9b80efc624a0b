#!/usr/bin/env node
// Debian's chromium for the browser tests (playwright-core drives it; no browser is ever
// downloaded by playwright). Installed on first use by the tests, not by `npm install`, so
// setup stays quick. Non-interactive: CI has no stdin. Run directly to install it ahead:
//   node scripts/lib/chromium.mjs
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const chromiumPath = "/usr/bin/chromium";

function works() {
  return existsSync(chromiumPath) && spawnSync(chromiumPath, ["--version"], { stdio: "ignore" }).status === 0;
}

function run(command, args) {
  console.log(`[axon chromium] ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `[axon chromium] failed: ${command} ${args.join(" ")} (exit ${result.status ?? result.signal})`,
    );
  }
}

/** Returns the path of a working chromium, installing Debian's package when it is missing. */
export function ensureChromium() {
  if (works()) return chromiumPath;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const apt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!root || !apt) {
    throw new Error(
      `[axon chromium] ${chromiumPath} is missing and cannot be installed here ` +
        `(${apt ? "not root" : "no apt-get"}). Install Debian's chromium: sudo apt-get install chromium`,
    );
  }
  const started = Date.now();
  run("apt-get", ["update", "-q"]);
  run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "chromium"]);
  if (!works()) throw new Error(`[axon chromium] installed, but ${chromiumPath} --version fails`);
  console.log(`[axon chromium] ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return chromiumPath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(ensureChromium());
}
