import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/index.js";

function configError(agent: unknown): ConfigError {
  try {
    parseConfig({ agents: { support: agent } }, "/base");
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("an agent's source in the config", () => {
  it("takes a module with a deps factory and a lifespan", () => {
    const config = parseConfig(
      { agents: { support: { module: "a.b:agent", deps: "a.b:make_deps", lifespan: "a.b:lifespan" } } },
      "/base",
    );
    expect(config.agents.support).toMatchObject({ deps: "a.b:make_deps", lifespan: "a.b:lifespan" });
  });

  it("takes an Agent Spec as a file path or an inline object", () => {
    const config = parseConfig(
      { agents: { file: { spec: "agents/support.yaml" }, inline: { spec: { model: "test" } } } },
      "/base",
    );
    expect(config.agents.file?.spec).toBe("agents/support.yaml");
    expect(config.agents.inline?.spec).toEqual({ model: "test" });
  });

  it("refuses both a module and a spec with a ConfigError naming the agent", () => {
    const error = configError({ module: "a.b:agent", spec: "support.yaml" });
    expect(error.field).toBe("agents.support");
    expect(error.message).toContain("exactly one of `module` (a Python agent) or `spec` (an Agent Spec)");
  });

  it("refuses neither a module nor a spec", () => {
    const error = configError({ deps: "a.b:make_deps" });
    expect(error.field).toBe("agents.support");
    expect(error.message).toContain("exactly one of `module`");
  });

  it("refuses a deps factory that is not a module:attribute spec", () => {
    const error = configError({ module: "a.b:agent", deps: "make_deps" });
    expect(error.field).toBe("agents.support.deps");
    expect(error.message).toContain("package.module:make_deps");
  });
});
