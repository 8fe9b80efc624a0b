#!/usr/bin/env node
// Load on Axon's host alone, for a Node CPU profile (docs/benchmarks.md):
//   node --cpu-prof --cpu-prof-dir=/tmp/host-prof bench/profile-host.mjs run|stream
//   node bench/profile-top.mjs /tmp/host-prof/*.cpuprofile
// Two echo instances, 64 in flight, after a warm-up, so start-up does not dilute the profile.
import { drainStream, startAxon } from "./lib/axon-host.mjs";
import { drive } from "./lib/drive.mjs";
import { STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";

process.env.AXON_LOG_LEVEL ??= "error";
const mode = process.argv[2] ?? "run";
const axon = await startAxon({ instances: 2 });
const op =
  mode === "run"
    ? () => axon.run("echo", UNARY_PROMPT)
    : () => drainStream(axon.stream("echo", STREAM_PROMPT));
await drive(op, { total: 300, concurrency: 16 });
const result = await drive(op, { total: mode === "run" ? 3000 : 800, concurrency: 64 });
console.log(
  `${result.ops} ${mode}s at ${result.perSec.toFixed(0)}/s, host CPU ${result.cpu.hostMs.toFixed(2)} ms per ${mode}`,
);
await axon.close();
