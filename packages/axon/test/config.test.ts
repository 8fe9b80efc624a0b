import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, defineConfig, findPython, isAxonError, loadConfig, parseConfig } from "../src/index.js";

const valid = { agents: { echo: { module: "examples.agents.echo:agent" } } };

function configError(input: unknown): ConfigError {
  try {
    parseConfig(input, "/base");
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config validation", () => {
  it("fills in every default", () => {
    const config = parseConfig(valid, "/base");
    expect(config.agents.echo).toMatchObject({
      instances: 1,
      maxConcurrency: 64,
      maxQueue: 1000,
      restart: "permanent",
    });
    expect(config.supervisor).toMatchObject({ strategy: "one_for_one", maxRestarts: 3, withinMs: 5000 });
    expect(config.supervisor.backoff).toEqual({ initialMs: 1000, maxMs: 30_000, jitter: 0.2 });
    expect(config.startTimeoutMs).toBe(30_000);
    expect(config.python.cwd).toBe("/base");
  });

  it("names the field, the value and what is expected", () => {
    const error = configError({ agents: { echo: { module: "examples.agents.echo:agent", instances: 0 } } });
    expect(error.code).toBe("config_error");
    expect(error.field).toBe("agents.echo.instances");
    expect(error.message).toContain("agents.echo.instances: expected a value > 0, got 0");
  });

  it.each([
    ["startTimeoutMs", { startTimeoutMs: 3e9 }],
    ["shutdownGraceMs", { shutdownGraceMs: 2 ** 31 }],
    ["supervisor.healthCheck.intervalMs", { supervisor: { healthCheck: { intervalMs: 3e9 } } }],
    ["supervisor.backoff.maxMs", { supervisor: { backoff: { maxMs: Number.MAX_SAFE_INTEGER } } }],
    [
      "agents.echo.timeoutMs",
      { agents: { echo: { module: "examples.agents.echo:agent", timeoutMs: 1e15 } } },
    ],
  ])("refuses a delay past a Node timer's longest wait in %s (it would fire at once)", (field, input) => {
    const error = configError({ ...valid, ...input });
    expect(error.field).toBe(field);
    expect(error.message).toContain(`${field}: expected a value <= 2147483647`);
  });

  it("takes the longest delay a timer can wait", () => {
    expect(parseConfig({ ...valid, startTimeoutMs: 2 ** 31 - 1 }, "/base").startTimeoutMs).toBe(2 ** 31 - 1);
  });

  it("lists the allowed values of an enum", () => {
    const error = configError({ ...valid, supervisor: { strategy: "one_for_none" } });
    expect(error.message).toContain(
      'supervisor.strategy: expected one of "one_for_one", "one_for_all", "rest_for_one", got "one_for_none"',
    );
  });

  it("rejects unknown keys, a wrong type and a malformed module spec", () => {
    expect(configError({ ...valid, agnets: {} }).message).toContain('unknown key "agnets"');
    expect(configError({ agents: { echo: { module: 42 } } }).message).toContain(
      "agents.echo.module: expected string, got 42",
    );
    expect(configError({ agents: { echo: { module: "no colon" } } }).message).toContain(
      "package.module:agent",
    );
  });

  it("requires at least one agent", () => {
    expect(configError({ agents: {} }).message).toContain("at least one agent");
    expect(configError({}).message).toContain("agents: expected record, got nothing");
  });

  it("resolves relative python paths against the config file's directory", () => {
    const config = parseConfig(
      { ...valid, python: { cwd: "..", venv: "venv", executable: "python3" } },
      "/a/b",
    );
    expect(config.python).toMatchObject({ cwd: "/a", venv: "/a/b/venv", executable: "python3" });
  });

  it("loads axon.config.ts with jiti and axon.config.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "axon-config-"));
    writeFileSync(
      join(dir, "axon.config.ts"),
      `const n: number = 2;\nexport default { agents: { echo: { module: "m:agent", instances: n } } };\n`,
    );
    const fromTs = await loadConfig(join(dir, "axon.config.ts"));
    expect(fromTs.agents.echo?.instances).toBe(2);
    expect(fromTs.python.cwd).toBe(dir);
    writeFileSync(join(dir, "axon.config.json"), JSON.stringify({ agents: { echo: { module: 1 } } }));
    await expect(loadConfig(join(dir, "axon.config.json"))).rejects.toThrow(/agents.echo.module/);
  });

  it("says which file is missing", async () => {
    await expect(loadConfig("/nonexistent/axon.config.ts")).rejects.toSatisfy(
      (e) => isAxonError(e) && e.code === "config_error" && e.message.includes("/nonexistent/axon.config.ts"),
    );
  });

  it("defineConfig returns its argument for the types", () => {
    expect(defineConfig(valid)).toBe(valid);
  });
});

describe("finding Python", () => {
  it("prefers the config, then AXON_PYTHON, then PYTHON_EXEC, then the project venv, then python3", () => {
    expect(findPython({ executable: "/x/python", env: { AXON_PYTHON: "/y" } }).executable).toBe("/x/python");
    expect(findPython({ venv: "/v", env: {} }).executable).toBe("/v/bin/python");
    expect(findPython({ env: { AXON_PYTHON: "/y", PYTHON_EXEC: "/z" } }).source).toBe("AXON_PYTHON");
    expect(findPython({ env: { PYTHON_EXEC: "/z" } }).executable).toBe("/z");
    expect(findPython({ env: {}, from: __dirname })).toMatchObject({ source: "venv" });
    expect(findPython({ env: {}, from: "/" })).toEqual({ executable: "python3", source: "PATH" });
  });
});
