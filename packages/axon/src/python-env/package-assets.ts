import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PythonSetupError } from "../errors/host-errors.js";

/**
 * The installed package's own directory (the one holding package.json), from src/python-env or
 * dist/python-env alike. What the package ships besides code lives under `assets/`.
 */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The dashboard build `axon serve` shows at `/` (Vite output, copied in when the package is built). */
export const dashboardAssetsDir = join(packageRoot, "assets", "dashboard");

/** Where the Python worker's wheel is shipped. */
export const pythonAssetsDir = join(packageRoot, "assets", "python");

/**
 * The path of the `axon-worker` wheel inside this package: what `axon setup` installs into a
 * project's venv, so the worker always matches the host that talks to it.
 * @throws PythonSetupError when the package was built without it.
 */
export function workerWheel(): string {
  const wheels = existsSync(pythonAssetsDir)
    ? readdirSync(pythonAssetsDir).filter((name) => /^axon_worker-.+\.whl$/.test(name))
    : [];
  const [wheel] = wheels.sort();
  if (wheel === undefined) {
    throw new PythonSetupError({
      message: `this copy of axon-agents has no worker wheel in ${pythonAssetsDir}`,
      hint: "reinstall axon-agents from the npm registry; in its own repository `npm install` builds the wheel",
    });
  }
  return join(pythonAssetsDir, wheel);
}
