// The demo: four offline agents (FunctionModel, no network), `echo` with two instances.
// `npm start` / `npx axon ...` use this file when no axon.config.* is in the current directory.
import { defineConfig } from "axon";

export default defineConfig({
  // The agents are imported as `examples.agents.*`, so the workers run from the repo root.
  python: { cwd: ".." },
  agents: {
    echo: { module: "examples.agents.echo:agent", instances: 2 },
    structured: { module: "examples.agents.structured:agent" },
    tools: { module: "examples.agents.tools:agent" },
    chaos: { module: "examples.agents.chaos:agent", timeoutMs: 60_000 },
  },
});
