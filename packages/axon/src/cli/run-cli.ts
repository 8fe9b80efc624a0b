import { isAxonError } from "../errors/axon-error.js";
import { agentsCommand } from "./commands/agents.js";
import { demoCommand } from "./commands/demo.js";
import { devCommand } from "./commands/dev.js";
import { doctorCommand } from "./commands/doctor.js";
import { initCommand } from "./commands/init.js";
import { runCommand } from "./commands/run.js";
import { serveCommand } from "./commands/serve.js";
import { setupCommand } from "./commands/setup.js";
import { statusCommand } from "./commands/status.js";
import { typesCommand } from "./commands/types.js";
import { HELP } from "./help.js";
import { type CliIo, UsageError, writeLine } from "./io.js";

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  init: initCommand,
  setup: setupCommand,
  run: runCommand,
  agents: agentsCommand,
  types: typesCommand,
  status: statusCommand,
  doctor: doctorCommand,
  serve: serveCommand,
  dev: devCommand,
  demo: demoCommand,
};

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `axon: unknown command '${name}' (known: ${Object.keys(COMMANDS).join(", ")})`);
    writeLine(io.stderr, "Run 'axon --help' for usage.");
    return 2;
  }
  if (rest.includes("-h") || rest.includes("--help")) {
    io.stdout.write(HELP);
    return 0;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    writeLine(io.stderr, `axon: ${error.message}`);
    writeLine(io.stderr, "Run 'axon --help' for usage.");
    return 2;
  }
  if (isAxonError(error)) {
    writeLine(io.stderr, `${error.code}: ${error.message}`);
    return 1;
  }
  writeLine(io.stderr, `error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}
