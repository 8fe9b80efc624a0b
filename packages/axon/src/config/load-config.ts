import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createJiti } from "jiti";
import { ConfigError } from "../errors/host-errors.js";
import type { AxonConfig } from "./config-schema.js";
import { parseConfig } from "./parse-config.js";

/** Looked for, in this order, when `loadConfig()` gets no path. */
export const CONFIG_FILE_NAMES = [
  "axon.config.ts",
  "axon.config.mts",
  "axon.config.js",
  "axon.config.mjs",
  "axon.config.json",
];

/** Finds `axon.config.*` in `dir` (default: the current directory); undefined when there is none. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => resolve(dir, name)).find((path) => existsSync(path));
}

/**
 * Loads and validates `axon.config.ts|js|json`. TypeScript is loaded with jiti, so no build
 * step is needed; the module's default export (or the module itself) is the config.
 * @param path Default: `axon.config.*` in the current directory.
 */
export async function loadConfig(path?: string): Promise<AxonConfig> {
  const file = path === undefined ? findConfigFile() : resolve(path);
  if (file === undefined || !existsSync(file)) {
    throw new ConfigError({
      message:
        file === undefined
          ? `no config file: none of ${CONFIG_FILE_NAMES.join(", ")} in ${process.cwd()}`
          : `config file not found: ${file}`,
    });
  }
  let input: unknown;
  try {
    if (file.endsWith(".json")) {
      input = JSON.parse(await readFile(file, "utf8"));
    } else {
      const jiti = createJiti(import.meta.url, { moduleCache: false, alias: { "axon-agents": ownEntry() } });
      input = await jiti.import(file, { default: true });
    }
  } catch (error) {
    throw new ConfigError({ message: `cannot load ${file}: ${(error as Error).message}`, cause: error });
  }
  return parseConfig(input, dirname(file), file);
}

/**
 * A config imports `defineConfig` / `tool` from "axon-agents"; that name resolves to this very
 * copy of the package, so a config loads even where the package is not in the config's own
 * node_modules (run through `npx`, a global install, a config outside the project).
 */
function ownEntry(): string {
  const extension = import.meta.url.endsWith(".ts") ? "ts" : "js";
  return fileURLToPath(new URL(`../index.${extension}`, import.meta.url));
}
