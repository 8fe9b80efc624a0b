import type { Axon } from "../../axon.js";
import { isAxonError } from "../../errors/axon-error.js";
import { type CliIo, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";
import { withAxon } from "../start-axon.js";
import { formatOutput } from "./run.js";
import { formatStatus } from "./status.js";

/**
 * `axon demo`: starts the demo agents, shows a run, a streamed run (with tool calls), a
 * structured output, a tool written in TypeScript and a typed error, then the workers'
 * status, and stops.
 */
export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, COMMON_OPTIONS, []);
  return withAxon(values.config, io, async (axon) => {
    await showDemo(axon, io);
    writeLine(io.stdout, `\n${formatStatus(axon.status())}`);
    return 0;
  });
}

/** The tour, on whichever demo agents the config has: also shown by `axon serve --demo`. */
export async function showDemo(axon: Axon, io: CliIo): Promise<void> {
  const known = new Set((await axon.agents()).map((agent) => agent.name));
  const has = (name: string) => known.has(name);
  if (has("echo")) await showRun(axon, io, "echo", "hello from Axon");
  if (has("echo")) await showStream(axon, io, "echo", "one two three four five");
  if (has("structured")) await showRun(axon, io, "structured", "Paris");
  if (has("tools")) await showStream(axon, io, "tools", "add 2 and 3");
  // `lookupOrder` is written in TypeScript (examples/axon.config.ts): a host tool round trip.
  if (has("orders")) await showStream(axon, io, "orders", "order 42");
  if (has("chaos")) await showRun(axon, io, "chaos", "raise");
}

async function showRun(axon: Axon, io: CliIo, agent: string, prompt: string) {
  writeLine(io.stdout, `\n$ axon run ${agent} ${JSON.stringify(prompt)}`);
  try {
    const result = await axon.run(agent, prompt);
    writeLine(io.stdout, formatOutput(result.output));
    writeLine(
      io.stdout,
      `  (run ${result.runId}, model ${result.model}, ${result.usage.requests} request(s))`,
    );
  } catch (error) {
    if (!isAxonError(error)) throw error;
    writeLine(
      io.stdout,
      `  -> ${error.name} code=${error.code} retryable=${error.retryable}: ${error.message}`,
    );
  }
}

async function showStream(axon: Axon, io: CliIo, agent: string, prompt: string) {
  writeLine(io.stdout, `\n$ axon run ${agent} ${JSON.stringify(prompt)} --stream`);
  for await (const event of axon.stream(agent, prompt)) {
    if (event.type === "text-delta") writeLine(io.stdout, `  text-delta   ${JSON.stringify(event.text)}`);
    else if (event.type === "tool-call")
      writeLine(io.stdout, `  tool-call    ${event.toolName}(${JSON.stringify(event.args)})`);
    else if (event.type === "tool-result")
      writeLine(io.stdout, `  tool-result  ${JSON.stringify(event.result ?? event.retry)}`);
    else if (event.type === "result")
      writeLine(io.stdout, `  result       ${JSON.stringify(event.result.output)}`);
  }
}
