#!/usr/bin/env node
// A pyinstrument profile of a Python server under load, for docs/benchmarks.md:
//   node bench/profile-python.mjs worker|bare run|stream [OUT.txt]
// `worker` is the real `python -m axon_worker`, `bare` the hand-written agent server
// (bench/bare_grpc_server.py --mode agent); the bare grpc-js client keeps 64 calls in flight.
// pyinstrument comes from PyPI through `uv run --with`, never into python/pyproject.toml.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ensureUv } from "../scripts/lib/tools.mjs";
import { drive } from "./lib/drive.mjs";
import { bareClients } from "./lib/grpc-client.mjs";
import { AGENT_SPEC, STREAM_PROMPT, UNARY_PROMPT } from "./lib/params.mjs";
import { repoRoot, socketDir } from "./lib/python.mjs";

const [what = "worker", mode = "run", out = `/tmp/profile-${what}-${mode}.txt`] = process.argv.slice(2);
const sockets = socketDir();
const address = `unix:${join(sockets.dir, "profiled.sock")}`;
const server =
  what === "worker"
    ? ["-m", "axon_worker", "--agent", `echo=${AGENT_SPEC}`, "--listen", address]
    : ["bench/bare_grpc_server.py", "--mode", "agent", "--agent", AGENT_SPEC, "--listen", address];
const uvArgs = ["run", "--project", "python", "--frozen", "--with", "pyinstrument"];
const child = spawn(ensureUv(), [...uvArgs, "pyinstrument", "-r", "text", "-o", out, ...server], {
  cwd: repoRoot,
  stdio: ["pipe", "pipe", "inherit"],
});
await new Promise((resolve) => {
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith("READY") || line.includes('"ready"')) resolve();
  });
});
const client = bareClients([address]);
const op =
  mode === "run"
    ? () => client.run({ agent: "echo", prompt: UNARY_PROMPT })
    : () => client.stream({ agent: "echo", prompt: STREAM_PROMPT });
const result = await drive(op, { total: mode === "run" ? 3000 : 800, concurrency: 64 });
console.log(`${result.ops} ${mode}s at ${result.perSec.toFixed(0)}/s under the profiler; profile in ${out}`);
client.close();
// SIGTERM (uv passes it on) stops both servers normally, which lets pyinstrument write its report;
// a closed stdin would end them with os._exit, skipping it.
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
sockets.remove();
