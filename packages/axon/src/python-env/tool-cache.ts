import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where Axon keeps the tools it installs for itself (today: `uv`), shared by every project of
 * the user so that each one does not install its own: `AXON_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/axon`, else `~/.cache/axon`.
 */
export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AXON_CACHE_DIR) return env.AXON_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "axon");
}
