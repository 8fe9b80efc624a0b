import { AGENT_PY } from "./agent-template.js";

export interface ScaffoldOptions {
  /** The project's name (its directory's name), for package.json and pyproject.toml. */
  name: string;
  /** The axon-agents version the new package.json depends on. */
  axonVersion: string;
  /** Write a package.json too (only when the directory has none). */
  withPackageJson: boolean;
}

/** Every file `axon init` writes, by path relative to the project directory. */
export function scaffoldFiles({
  name,
  axonVersion,
  withPackageJson,
}: ScaffoldOptions): Record<string, string> {
  const pythonName =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "agents";
  const files: Record<string, string> = {
    "axon.config.ts": CONFIG_TS,
    "agents/__init__.py": '"""The project\'s pydantic-ai agents; axon.config.ts names each one."""\n',
    "agents/assistant.py": AGENT_PY,
    "pyproject.toml": pyprojectToml(pythonName),
    ".gitignore": GITIGNORE,
  };
  if (withPackageJson) files["package.json"] = packageJson(pythonName, axonVersion);
  return files;
}

const CONFIG_TS = `// Which pydantic-ai agents Axon serves, and how. Every field: docs/supervision.md of axon-agents.
import { defineConfig } from "axon-agents";

export default defineConfig({
  python: { cwd: "." }, // agents are imported from here; \`npx axon setup\` keeps ./.venv in sync
  agents: {
    assistant: {
      module: "agents.assistant:agent", // package.module:attribute, a pydantic_ai.Agent
      instances: 1, // worker processes for this agent
      // model: "openai-chat:gpt-4o-mini", // overrides the agent's model (OPENAI_API_KEY, OPENAI_BASE_URL)
    },
  },
});
`;

function pyprojectToml(name: string): string {
  return `[project]
name = "${name}"
version = "0.1.0"
description = "pydantic-ai agents served by Axon"
requires-python = ">=3.11"
# \`npx axon setup\` installs these into ./.venv; axon-worker comes from the axon-agents npm package.
dependencies = [
    "pydantic-ai-slim[openai]>=2.68,<3",
    "axon-worker",
]
`;
}

const GITIGNORE = `node_modules/
.venv/
.axon/
__pycache__/
*.pyc
`;

function packageJson(name: string, axonVersion: string): string {
  const manifest = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: { start: "axon serve", setup: "axon setup" },
    dependencies: { "axon-agents": `^${axonVersion}` },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
