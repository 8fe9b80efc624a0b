// The machine a run happened on, recorded with its numbers (absolute times mean little without it).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { venvPython } from "./python.mjs";

export function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const versions = spawnSync(
    venvPython,
    // Versions from package metadata: importing pydantic_ai itself would take seconds.
    [
      "-c",
      "import sys; from importlib.metadata import version as v; print(sys.version.split()[0], v('pydantic-ai-slim'), v('grpcio'))",
    ],
    { encoding: "utf8" },
  ).stdout.trim();
  const [python, pydanticAi, grpcio] = versions.split(" ");
  return {
    nproc: availableParallelism(),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    node: process.version,
    python,
    pydanticAi,
    grpcio,
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
  };
}
