import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type CliAxon, type CliRunOptions, withCliAxon } from "../cli-axon.js";
import { type CliIo, UsageError, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand, REMOTE_OPTIONS } from "../parse.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...REMOTE_OPTIONS,
  stream: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  model: { type: "string" },
  history: { type: "string" },
  timeout: { type: "string" },
  deps: { type: "string" },
  "deps-file": { type: "string" },
} as const;

/**
 * `axon run <agent> <prompt>`: prints the output (or, with --json, the result / the events).
 * Boots only that agent's workers, or none at all with --url (a running `axon serve` runs it).
 */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, ["agent", "prompt"]);
  const [agent, prompt] = positionals as [string, string];
  const options: CliRunOptions = {
    model: values.model,
    messageHistory: values.history ? await readHistory(values.history, io.cwd) : undefined,
    timeoutMs: values.timeout === undefined ? undefined : parseTimeout(values.timeout),
    deps: await readDeps(values.deps, values["deps-file"], io.cwd),
  };
  return withCliAxon(values, io, agent, async (axon) => {
    if (values.stream) await printStream(axon, agent, prompt, options, values.json, io);
    else {
      const result = await axon.run(agent, prompt, options);
      writeLine(io.stdout, values.json ? JSON.stringify(result, null, 2) : formatOutput(result.output));
    }
    return 0;
  });
}

async function printStream(
  axon: CliAxon,
  agent: string,
  prompt: string,
  options: CliRunOptions,
  json: boolean,
  io: CliIo,
) {
  let printedText = false;
  for await (const event of axon.stream(agent, prompt, options)) {
    if (json) writeLine(io.stdout, JSON.stringify(event));
    else if (event.type === "text-delta") {
      io.stdout.write(event.text);
      printedText = true;
    } else if (event.type === "tool-call") {
      writeLine(io.stderr, `[tool-call ${event.toolName} ${JSON.stringify(event.args)}]`);
    } else if (event.type === "tool-result") {
      writeLine(io.stderr, `[tool-result ${event.toolName} ${JSON.stringify(event.result ?? event.retry)}]`);
    } else if (event.type === "result") {
      // Structured output never arrives as text deltas: print the final object instead.
      writeLine(io.stdout, printedText ? "" : formatOutput(event.result.output));
    }
  }
}

/** Text prints as itself; anything else as indented JSON. */
export function formatOutput(output: unknown): string {
  return typeof output === "string" ? output : JSON.stringify(output, null, 2);
}

function parseTimeout(raw: string): number {
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError(`--timeout must be a positive integer of milliseconds, got '${raw}'`);
  return ms;
}

async function readHistory(path: string, cwd: string): Promise<unknown[]> {
  const file = resolve(cwd, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--history ${path}: cannot read a JSON file (${(error as Error).message})`);
  }
  // Accept a previous `axon run --json` result as well as a bare message array.
  const messages = Array.isArray(parsed) ? parsed : (parsed as { allMessages?: unknown }).allMessages;
  if (!Array.isArray(messages)) {
    throw new UsageError(
      `--history ${path}: expected a JSON array of messages or an object with "allMessages"`,
    );
  }
  return messages;
}

/** `--deps '<json>'` or `--deps-file <path>` (not both): the run's deps, checked by the worker. */
async function readDeps(inline: string | undefined, path: string | undefined, cwd: string): Promise<unknown> {
  if (inline !== undefined && path !== undefined)
    throw new UsageError("give --deps or --deps-file, not both");
  if (inline !== undefined) return parseJson(inline, "--deps");
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (error) {
    throw new UsageError(`--deps-file ${path}: cannot read it (${(error as Error).message})`);
  }
  return parseJson(text, `--deps-file ${path}`);
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: not JSON (${(error as Error).message})`);
  }
}
