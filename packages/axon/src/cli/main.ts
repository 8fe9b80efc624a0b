#!/usr/bin/env node
// The `axon` executable. All behaviour lives in run-cli.ts so tests can call it in-process.
import { runCli } from "./run-cli.js";

// A reader that went away (`axon serve | head -2`, a closed terminal) must not end the command:
// Node ignores SIGPIPE, so the write fails with EPIPE as an 'error' event, uncaught it exits 1.
// What is written after that is dropped; a server goes on serving.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
await exitWhenFlushed(code);

/**
 * A finished command ends its process even when something it used keeps a handle open (a
 * database driver's pool, an exporter's timer): `axon serve` printed "stopped" and then hung.
 * What was written is flushed first.
 */
async function exitWhenFlushed(exitCode: number): Promise<never> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => stream.write("", () => resolve())),
    ),
  );
  process.exit(exitCode);
}
