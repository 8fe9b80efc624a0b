import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AxonConfig } from "../config/config-schema.js";
import { findPython, type PythonChoice } from "../config/find-python.js";

/**
 * Which Python the workers of a config use, and whether Axon looks after it:
 * - `managed`: the project's own `.venv` beside its Python code (`python.cwd`), created and
 *   synced by `axon setup` from the worker wheel and the user's pyproject.toml/requirements.txt;
 * - `user`: a Python the user named (`python.executable`, `python.venv`, AXON_PYTHON,
 *   PYTHON_EXEC) or a venv found further up: used as it is, never changed.
 */
export type PythonEnvPlan =
  | {
      kind: "managed";
      /** The venv directory, `<python.cwd>/.venv`. */
      venv: string;
      python: string;
      /** Where pyproject.toml / requirements.txt are looked for. */
      projectDir: string;
      /** The user's dependency files that exist, in install order. */
      dependencyFiles: string[];
    }
  | { kind: "user"; python: string; source: PythonChoice["source"] };

const DEPENDENCY_FILES = ["pyproject.toml", "requirements.txt"];

export function planPythonEnv(config: AxonConfig, env: NodeJS.ProcessEnv = process.env): PythonEnvPlan {
  const projectDir = config.python.cwd;
  const managedVenv = join(projectDir, ".venv");
  const choice = findPython({
    executable: config.python.executable,
    venv: config.python.venv,
    from: projectDir,
    env,
  });
  const isManaged =
    choice.source === "PATH" ||
    (choice.source === "venv" && dirname(dirname(choice.executable)) === managedVenv);
  if (!isManaged) return { kind: "user", python: choice.executable, source: choice.source };
  return {
    kind: "managed",
    venv: managedVenv,
    python: join(managedVenv, "bin", "python"),
    projectDir,
    dependencyFiles: DEPENDENCY_FILES.map((name) => join(projectDir, name)).filter((file) =>
      existsSync(file),
    ),
  };
}
