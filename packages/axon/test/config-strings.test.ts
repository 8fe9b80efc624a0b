import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ConfigError, createAxon, parseConfig } from "../src/index.js";

const echo = { module: "examples.agents.echo:agent" };

function configError(input: unknown): ConfigError {
  try {
    parseConfig(input, "/base");
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config strings that no process could be spawned with", () => {
  it.each([
    ["python.executable", { python: { executable: "/usr/bin/python\0" }, agents: { echo } }],
    ["python.venv", { python: { venv: ".venv\n" }, agents: { echo } }],
    ["python.cwd", { python: { cwd: "/srv/app\0" }, agents: { echo } }],
    ["agents.echo.model", { agents: { echo: { ...echo, model: "test\0" } } }],
  ])("refuses a control character in %s, naming the field and how to fix it", (field, input) => {
    const error = configError(input);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`${field}: expected a string without control characters`);
    expect(error.message).toContain("remove them");
  });

  it("refuses a NUL byte in an env value of python.env and of an agent", () => {
    const inPython = configError({ python: { env: { TOKEN: "abc\0def" } }, agents: { echo } });
    expect(inPython.field).toBe("python.env.TOKEN");
    expect(inPython.message).toContain("python.env.TOKEN: expected a value without NUL characters");
    const inAgent = configError({ agents: { echo: { ...echo, env: { TOKEN: "\0" } } } });
    expect(inAgent.field).toBe("agents.echo.env.TOKEN");
  });

  it("refuses an env name with a NUL byte or an equals sign", () => {
    expect(configError({ python: { env: { "A\0B": "x" } }, agents: { echo } }).message).toContain(
      "expected a variable name without",
    );
    expect(configError({ python: { env: { "A=B": "x" } }, agents: { echo } }).field).toBe("python.env.A=B");
  });

  it("refuses an env value too long for the kernel (E2BIG), saying to use a file", () => {
    const error = configError({ python: { env: { BIG: "x".repeat(200_000) } }, agents: { echo } });
    expect(error.field).toBe("python.env.BIG");
    expect(error.message).toContain("expected a value under 128 KiB");
    expect(error.message).toContain("put large data in a file");
    // The value itself is quoted only in part.
    expect(error.message.length).toBeLessThan(1000);
  });

  it("keeps values a real environment holds: newlines, tabs, unicode, 100 KB", () => {
    const env = {
      PEM: "-----BEGIN KEY-----\nabc\n-----END KEY-----\n",
      TAB: "a\tb",
      NAME: "café",
      LONG: "y".repeat(100_000),
    };
    expect(parseConfig({ python: { env }, agents: { echo: { ...echo, env } } }, "/base").python.env).toEqual(
      env,
    );
  });

  it("rejects createAxon with the ConfigError before any worker is spawned", async () => {
    const error = await createAxon(
      { python: { executable: "/nonexistent/python" }, agents: { echo: { ...echo, env: { A: "x\0y" } } } },
      { logger: pino({ level: "silent" }) },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.field).toBe("agents.echo.env.A");
  });
});
