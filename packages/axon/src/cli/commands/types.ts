import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ConfigError } from "../../errors/host-errors.js";
import { generateAgentTypes } from "../../types-gen/generate-agent-types.js";
import { withCliAxon } from "../cli-axon.js";
import { findConfig } from "../find-config.js";
import { type CliIo, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand, REMOTE_OPTIONS } from "../parse.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...REMOTE_OPTIONS,
  out: { type: "string" },
  check: { type: "boolean", default: false },
} as const;

/** Where the file goes when `--out` is not given: beside the config (docs/agents.md). */
export const DEFAULT_TYPES_FILE = "axon-types.ts";

/**
 * `axon types [--out file] [--check]`: boots every agent of the config (or asks a running
 * `axon serve` with --url), and writes their output and deps types as a TypeScript module.
 * With --check it writes nothing and fails (exit 1) when the file is missing or stale, for CI.
 */
export async function typesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, []);
  const out = outputPath(values, io);
  const shown = shownPath(io.cwd, out);
  // The command to run again, as this one was called (without --check).
  const regenerate = ["npx axon types", ...argv.filter((arg) => arg !== "--check")].join(" ");
  if (values.check && !existsSync(out)) {
    // Said before any worker boots: nothing they answer could make the check pass.
    writeLine(io.stderr, `types_missing: ${shown} does not exist; generate it with \`${regenerate}\``);
    return 1;
  }
  const agents = await withCliAxon(values, io, undefined, (axon) => axon.agents());
  const text = await generateAgentTypes(agents);
  const names = agents.map((agent) => agent.name).sort();
  const current = existsSync(out) ? normalize(readFileSync(out, "utf8")) : undefined;

  if (values.check) {
    if (current !== text) {
      writeLine(
        io.stderr,
        `types_stale: ${shown} does not match the agents' schemas (first difference at line ${firstDifference(current ?? "", text)}); regenerate it with \`${regenerate}\``,
      );
      return 1;
    }
    writeLine(io.stdout, `${shown} is up to date (${names.join(", ")})`);
    return 0;
  }
  if (current === text) {
    writeLine(io.stdout, `${shown} is up to date (${names.join(", ")})`);
    return 0;
  }
  write(out, text, shown);
  writeLine(io.stdout, `wrote ${shown} (${names.join(", ")})`);
  return 0;
}

function outputPath(values: { out?: string; config?: string; url?: string }, io: CliIo): string {
  if (values.out !== undefined) return resolve(io.cwd, values.out);
  // Against a running `axon serve` there is no config file to sit beside.
  if (values.config === undefined && (values.url ?? io.env.AXON_URL)) return join(io.cwd, DEFAULT_TYPES_FILE);
  return join(dirname(findConfig(io.cwd, values.config).path), DEFAULT_TYPES_FILE);
}

/** Relative to the current directory when inside it (`examples/axon-types.ts`), else absolute. */
function shownPath(cwd: string, path: string): string {
  const inside = relative(cwd, path);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}

function write(path: string, text: string, shown: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError({ message: `cannot write ${shown}: ${reason}`, field: "--out", cause: error });
  }
}

// A checkout with CRLF line endings (git's autocrlf on Windows) holds the same file.
function normalize(text: string): string {
  return text.replaceAll("\r\n", "\n");
}

function firstDifference(a: string, b: string): number {
  const left = a.split("\n");
  const right = b.split("\n");
  let line = 0;
  while (line < left.length && left[line] === right[line]) line++;
  return line + 1;
}
