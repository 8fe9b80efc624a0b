import { isAbsolute, resolve } from "node:path";
import type { z } from "zod";
import { ConfigError } from "../errors/host-errors.js";
import { type AxonConfig, type AxonConfigInput, configSchema } from "./config-schema.js";

/** Returns the config unchanged: it exists for the types (`export default defineConfig({...})`). */
export function defineConfig(config: AxonConfigInput): AxonConfigInput {
  return config;
}

/**
 * Validates a config and fills in its defaults. Relative paths (`python.cwd`, `python.venv`,
 * `python.executable` when it contains a slash, a remote pool's TLS files) resolve against `baseDir`, the config file's
 * directory, so a config means the same thing whatever directory the app is started from.
 * @throws ConfigError naming the first bad field, its value and what was expected.
 */
export function parseConfig(input: unknown, baseDir: string, source = "config"): AxonConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw configErrorFrom(parsed.error, input, source);
  const within = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const python = { ...parsed.data.python, cwd: within(parsed.data.python.cwd ?? ".") };
  if (python.venv) python.venv = within(python.venv);
  if (python.executable?.includes("/")) python.executable = within(python.executable);
  const agents = Object.fromEntries(
    Object.entries(parsed.data.agents).map(([name, agent]) => {
      const tls = agent.remote?.tls;
      if (!agent.remote || !tls) return [name, agent];
      const paths = Object.fromEntries(Object.entries(tls).map(([key, path]) => [key, path && within(path)]));
      return [name, { ...agent, remote: { ...agent.remote, tls: paths } }];
    }),
  ) as typeof parsed.data.agents;
  return { ...parsed.data, python, agents, baseDir };
}

function configErrorFrom(error: z.ZodError, input: unknown, source: string): ConfigError {
  const lines = error.issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(root)";
    const value = valueAt(input, issue.path);
    const got = value === undefined ? "nothing" : describe(value);
    return { path, text: `${path}: ${expectation(issue)}, got ${got}` };
  });
  const [first] = lines;
  const more = lines.length > 1 ? `\n${lines.map((line) => `  - ${line.text}`).join("\n")}` : "";
  return new ConfigError({
    message: `invalid ${source}: ${first?.text ?? error.message}${more}`,
    field: first?.path,
    cause: error,
  });
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "too_small":
      return `expected a value ${issue.inclusive === false ? ">" : ">="} ${String(issue.minimum)}`;
    case "too_big":
      return `expected a value ${issue.inclusive === false ? "<" : "<="} ${String(issue.maximum)}`;
    case "invalid_format":
      return `expected ${issue.message.replace(/^Invalid string: /, "")}`;
    default:
      return `expected ${issue.message}`;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  const text = typeof value === "function" ? "a function" : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
