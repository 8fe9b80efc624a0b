/** Where a CLI command writes; tests pass buffers, `main.ts` passes the process streams. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  /** Environment the command reads (AXON_URL, NO_COLOR, ...). */
  env: Record<string, string | undefined>;
}

/** A mistake in how the CLI was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function writeLine(stream: CliIo["stdout"], line = ""): void {
  stream.write(`${line}\n`);
}
