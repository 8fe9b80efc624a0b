// A property-based fuzz of every number and string a config or a run can carry (fast-check,
// fixed seeds): numbers at and past every bound (a Node timer's 2^31 − 1 ms, grpc-js's deadline
// limit, Number.MAX_SAFE_INTEGER and beyond), control characters anywhere in every config string.
// The property: a ConfigError / InvalidRequestError naming the field, or a value that is safe to
// use; never a throw of another kind, never a hang.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_DELAY_MS } from "../../src/config/delay-ms.js";
import { type Axon, ConfigError, InvalidRequestError, isAxonError, parseConfig } from "../../src/index.js";
import { parseRunOptions } from "../../src/run/run-options.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";

/** grpc-js writes a deadline as at most 8 digits of its largest unit, hours: 10^8 h in ms. */
const GRPC_DEADLINE_LIMIT_MS = 1e8 * 3600 * 1000;

const bounds = [
  -1,
  -0,
  0,
  0.5,
  1,
  1.5,
  MAX_DELAY_MS - 1,
  MAX_DELAY_MS,
  MAX_DELAY_MS + 1,
  2 ** 32,
  GRPC_DEADLINE_LIMIT_MS - 1,
  GRPC_DEADLINE_LIMIT_MS,
  GRPC_DEADLINE_LIMIT_MS + 1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  1e300,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
];
const number = fc.oneof(fc.constantFrom(...bounds), fc.double(), fc.integer());

const echo = { module: "examples.agents.echo:agent" };

/** Every numeric config field, with whether it feeds a timer (then it must fit in one). */
const configNumbers: [path: string, timer: boolean][] = [
  ["agents.echo.instances", false],
  ["agents.echo.standby", false],
  ["agents.echo.maxConcurrency", false],
  ["agents.echo.maxQueue", false],
  ["agents.echo.timeoutMs", true],
  ["supervisor.maxRestarts", false],
  ["supervisor.withinMs", true],
  ["supervisor.backoff.initialMs", true],
  ["supervisor.backoff.maxMs", true],
  ["supervisor.backoff.jitter", false],
  ["supervisor.stableAfterMs", true],
  ["supervisor.healthCheck.intervalMs", true],
  ["supervisor.healthCheck.timeoutMs", true],
  ["supervisor.healthCheck.failures", false],
  ["startTimeoutMs", true],
  ["shutdownGraceMs", true],
  ["maxMessageBytes", false],
  ["maxRetryAttempts", false],
];

/** `{ agents: { echo } }` with `value` set at `path` (objects on the way made as needed). */
function configWith(path: string, value: unknown): Record<string, unknown> {
  const config: Record<string, unknown> = { agents: { echo: { ...echo } } };
  const keys = path.split(".");
  let at = config;
  for (const key of keys.slice(0, -1)) {
    at[key] = { ...((at[key] as Record<string, unknown> | undefined) ?? {}) };
    at = at[key] as Record<string, unknown>;
  }
  at[keys.at(-1) as string] = value;
  return config;
}

const valueAt = (root: unknown, path: string) =>
  path.split(".").reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], root);

/** The ConfigError `parseConfig` throws, or undefined when it accepts; any other throw fails. */
function parse(input: unknown): { error?: ConfigError; config?: unknown } {
  try {
    return { config: parseConfig(input, "/base") };
  } catch (error) {
    if (error instanceof ConfigError) return { error };
    throw error;
  }
}

describe("numbers at and past every bound", () => {
  it.each(configNumbers)("in config field %s are refused naming it, or fit", (path, timer) => {
    fc.assert(
      fc.property(number, (value) => {
        const { error, config } = parse(configWith(path, value));
        if (error) {
          expect(error.field).toBe(path);
          expect(error.message).toContain(path);
          return;
        }
        const parsed = valueAt(config, path) as number;
        expect(Number.isFinite(parsed)).toBe(true);
        expect(parsed).toBeGreaterThanOrEqual(0);
        if (timer) expect(parsed).toBeLessThanOrEqual(MAX_DELAY_MS);
        else expect(parsed).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
      }),
      { numRuns: 300, seed: 20_260_212 },
    );
  });

  const runNumbers = [
    "timeoutMs",
    "retry.attempts",
    "retry.backoffMs",
    "usageLimits.requestLimit",
    "usageLimits.toolCallsLimit",
    "usageLimits.inputTokensLimit",
    "usageLimits.outputTokensLimit",
    "usageLimits.totalTokensLimit",
  ];
  const runOptionsWith = (path: string, value: number) => {
    const [outer, inner] = path.split(".") as [string, string | undefined];
    if (!inner) return { [outer]: value };
    return {
      [outer]:
        outer === "retry" && inner !== "attempts" ? { attempts: 2, [inner]: value } : { [inner]: value },
    };
  };

  it.each(runNumbers)("in run option %s are refused naming it, or fit", (path) => {
    fc.assert(
      fc.property(number, (value) => {
        let parsed: unknown;
        try {
          parsed = parseRunOptions(runOptionsWith(path, value), "echo");
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidRequestError);
          expect((error as InvalidRequestError).field).toBe(path);
          return;
        }
        const accepted = valueAt(parsed, path) as number;
        expect(Number.isSafeInteger(accepted) || (Number.isFinite(accepted) && path === "timeoutMs")).toBe(
          true,
        );
        if (path.endsWith("Ms")) expect(accepted).toBeLessThanOrEqual(MAX_DELAY_MS);
      }),
      { numRuns: 300, seed: 20_260_212 },
    );
  });

  describe("in a real run", () => {
    let axon: Axon;
    beforeAll(async () => {
      axon = await startAxon({ echo });
    }, STARTUP_TIMEOUT_MS);
    afterAll(() => axon?.close());

    it("each bound value of each option ends the run at once, with its answer or an invalid_request naming it", async () => {
      for (const path of runNumbers) {
        for (const value of bounds) {
          const started = Date.now();
          const outcome = await axon.run<string>("echo", "hi", runOptionsWith(path, value)).then(
            (result) => result.output,
            (error: unknown) => error,
          );
          if (outcome !== "hi") {
            if (!isAxonError(outcome)) throw new Error(`${path} = ${value}: threw ${String(outcome)}`);
            // A limit of 0 (below what one request takes) and a deadline of a ms or two are the run's own.
            if (outcome.code === "usage_limit_exceeded") expect(path).toMatch(/^usageLimits\./);
            else if (outcome.code === "timeout") expect(path === "timeoutMs" && value < 10).toBe(true);
            else
              expect(outcome, `${path} = ${value}`).toMatchObject({ code: "invalid_request", field: path });
          }
          expect(Date.now() - started, `${path} = ${value}`).toBeLessThan(5000);
        }
      }
    }, 120_000);
  });
});

/** Every config string, with a valid value to spoil. */
const configStrings: [path: string, valid: string][] = [
  ["python.executable", "/usr/bin/python3"],
  ["python.venv", ".venv"],
  ["python.cwd", "/srv/app"],
  ["agents.echo.module", "examples.agents.echo:agent"],
  ["agents.echo.spec", "agents/support.yaml"],
  ["agents.echo.deps", "examples.agents.support_deps:make_deps"],
  ["agents.echo.lifespan", "examples.agents.support_deps:lifespan"],
  ["agents.echo.model", "openai-chat:gpt-4o"],
];
const control = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f))
  .map((c) => String.fromCharCode(c));
/** `valid` with a control character at some position. */
const spoiled = (valid: string) =>
  fc.tuple(control, fc.nat({ max: valid.length })).map(([c, at]) => valid.slice(0, at) + c + valid.slice(at));

describe("control characters in every config string", () => {
  it.each(configStrings)("in %s are refused, naming it", (path, valid) => {
    fc.assert(
      fc.property(spoiled(valid), (value) => {
        const input = configWith(path, value);
        // A spec replaces the module: an agent has exactly one of them.
        if (path === "agents.echo.spec")
          delete (valueAt(input, "agents.echo") as Record<string, unknown>).module;
        const { error } = parse(input);
        expect(error?.field).toBe(path);
      }),
      { numRuns: 100, seed: 20_260_212 },
    );
  });

  it.each(["python.env", "agents.echo.env"])("in a variable name of %s are refused, naming it", (path) => {
    fc.assert(
      fc.property(spoiled("TOKEN"), (name) => {
        const { error } = parse(configWith(path, { [name]: "x" }));
        expect(error?.field).toBe(`${path}.${name}`);
      }),
      { numRuns: 100, seed: 20_260_212 },
    );
  });

  it.each(["python.env", "agents.echo.env"])(
    "in a variable value of %s: NUL is refused naming it, the rest (a PEM's newlines) kept",
    (path) => {
      fc.assert(
        fc.property(spoiled("secret-value"), (value) => {
          const { error, config } = parse(configWith(path, { TOKEN: value }));
          if (value.includes("\0")) expect(error?.field).toBe(`${path}.TOKEN`);
          else expect(valueAt(config, `${path}.TOKEN`)).toBe(value);
        }),
        { numRuns: 100, seed: 20_260_212 },
      );
    },
  );

  it("in an agent's name are refused, naming it", () => {
    fc.assert(
      fc.property(spoiled("echo"), (name) => {
        const { error } = parse({ agents: { [name]: echo } });
        expect(error?.field).toBe(`agents.${name}`);
      }),
      { numRuns: 100, seed: 20_260_212 },
    );
  });
});
