import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>
>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  config: { type: "string" },
} as const satisfies Options;

/**
 * `parseArgs` in strict mode, with its errors turned into a UsageError that names the
 * offending flag, so `axon run echo hi --strem` says what was wrong and exits 2.
 */
export function parseCommand<O extends Options>(
  argv: string[],
  options: O,
  positionals: string[],
): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== positionals.length) {
    const expected = positionals.map((p) => `<${p}>`).join(" ") || "no arguments";
    throw new UsageError(`expected ${expected}, got ${JSON.stringify(parsed.positionals)}`);
  }
  return parsed;
}
