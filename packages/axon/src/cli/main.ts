#!/usr/bin/env node
// The `axon` executable. All behaviour lives in run-cli.ts so tests can call it in-process.
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
