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

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
