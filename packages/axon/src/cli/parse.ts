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

/** Options of the commands that can talk to a running `axon serve` instead of starting agents. */
export const REMOTE_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
} as const satisfies Options;

/**
 * `parseArgs` in strict mode, with its errors turned into a UsageError that names the
 * offending flag, so `axon run echo hi --strem` says what was wrong and exits 2.
 * @param positionals Their names; a trailing `?` makes one optional (only the last ones may be).
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
  const required = positionals.filter((p) => !p.endsWith("?")).length;
  if (parsed.positionals.length < required || parsed.positionals.length > positionals.length) {
    const shown = positionals.map((p) => (p.endsWith("?") ? `[${p.slice(0, -1)}]` : `<${p}>`));
    const expected = shown.join(" ") || "no arguments";
    throw new UsageError(`expected ${expected}, got ${JSON.stringify(parsed.positionals)}`);
  }
  return parsed;
}
