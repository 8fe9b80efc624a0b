import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import { planPythonEnv } from "../../src/python-env/plan-python-env.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string> = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "axon-plan-")));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const configIn = (dir: string, python: Record<string, string> = {}) =>
  parseConfig({ python, agents: { a: { module: "agents.a:agent" } } }, dir);

describe("planPythonEnv", () => {
  it("manages <python.cwd>/.venv when no Python is named, with the project's dependency files", () => {
    const dir = project({ "pyproject.toml": "[project]\n", "requirements.txt": "" });
    const plan = planPythonEnv(configIn(dir), {});
    expect(plan).toEqual({
      kind: "managed",
      venv: join(dir, ".venv"),
      python: join(dir, ".venv", "bin", "python"),
      projectDir: dir,
      dependencyFiles: [join(dir, "pyproject.toml"), join(dir, "requirements.txt")],
    });
  });

  it("keeps managing the project's .venv once it exists", () => {
    const dir = project({ ".venv/bin/python": "" });
    expect(planPythonEnv(configIn(dir), {}).kind).toBe("managed");
  });

  it("uses a Python named by AXON_PYTHON, PYTHON_EXEC or the config as it is", () => {
    const dir = project();
    expect(planPythonEnv(configIn(dir), { AXON_PYTHON: "/opt/py/bin/python" })).toEqual({
      kind: "user",
      python: "/opt/py/bin/python",
      source: "AXON_PYTHON",
    });
    expect(planPythonEnv(configIn(dir), { PYTHON_EXEC: "/opt/p" })).toMatchObject({
      kind: "user",
      source: "PYTHON_EXEC",
    });
    expect(planPythonEnv(configIn(dir, { venv: "/opt/venv" }), {})).toEqual({
      kind: "user",
      python: "/opt/venv/bin/python",
      source: "config.venv",
    });
  });

  it("uses a venv found above the project as it is, and does not manage it", () => {
    const outer = project({ ".venv/bin/python": "" });
    const inner = join(outer, "service");
    mkdirSync(inner);
    expect(planPythonEnv(configIn(inner), {})).toEqual({
      kind: "user",
      python: join(outer, ".venv", "bin", "python"),
      source: "venv",
    });
  });
});
