// Installs one of Debian's packages for the tests (chromium, postgresql), non-interactively: CI
// has no stdin. Only as root with apt-get; anywhere else the error says what to install by hand.
import { spawnSync } from "node:child_process";

function run(tag, command, args) {
  console.log(`[${tag}] ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`[${tag}] failed: ${command} ${args.join(" ")} (exit ${result.status ?? result.signal})`);
  }
}

/**
 * `apt-get update` + `apt-get install <pkg>`, then `check()` (true when the tool now works);
 * `missing` says what is absent, for the error when nothing can be installed here.
 */
export function aptInstall({ tag, pkg, missing, check }) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const apt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!root || !apt) {
    throw new Error(
      `[${tag}] ${missing} and cannot be installed here (${apt ? "not root" : "no apt-get"}). ` +
        `Install Debian's ${pkg}: sudo apt-get install ${pkg}`,
    );
  }
  const started = Date.now();
  run(tag, "apt-get", ["update", "-q"]);
  run(tag, "apt-get", ["install", "-y", "-q", "--no-install-recommends", pkg]);
  if (!check()) throw new Error(`[${tag}] installed ${pkg}, but it does not work: ${missing} still`);
  console.log(`[${tag}] ready in ${Math.round((Date.now() - started) / 1000)} s`);
}
