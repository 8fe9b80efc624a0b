#!/usr/bin/env node
// Generates the code for both sides from proto/ (the one contract):
//   Python  -> python/src/axon_worker/_proto/   (grpcio-tools: messages, stubs, .pyi)
//   TypeScript -> packages/axon/src/gen/         (ts-proto with @grpc/grpc-js services)
// One protoc serves both: the one bundled in grpcio-tools from python/.venv.
// `--check` regenerates into a temporary directory and fails if the committed code differs.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { repoRoot } from "./lib/tools.mjs";

const protoRoot = join(repoRoot, "proto");
const pythonOut = join(repoRoot, "python/src/axon_worker/_proto");
const tsOut = join(repoRoot, "packages/axon/src/gen");
const venvPython = join(repoRoot, "python/.venv/bin/python");
const tsProtoPlugin = join(repoRoot, "node_modules/.bin/protoc-gen-ts_proto");

function protoFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return protoFiles(path);
    return name.endsWith(".proto") ? [relative(protoRoot, path)] : [];
  });
}

function protoc(args) {
  const result = spawnSync(venvPython, ["-m", "grpc_tools.protoc", `-I${protoRoot}`, ...args], {
    stdio: "inherit",
    cwd: repoRoot,
  });
  if (result.status !== 0) throw new Error(`protoc failed (exit ${result.status})`);
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** grpcio-tools writes `from axon.v1 import x_pb2`; make those imports package-relative to axon_worker. */
function fixPythonImports(dir) {
  for (const file of walk(dir)) {
    if (!/\.pyi?$/.test(file)) continue;
    const text = readFileSync(file, "utf8");
    const fixed = text.replace(/^from (axon|grpc)\.(v1|health\.v1) import/gm, (_m, root, pkg) =>
      root === "axon" ? `from axon_worker._proto.axon.${pkg} import` : _m,
    );
    writeFileSync(file, fixed);
  }
  for (const sub of ["", "axon", "axon/v1"]) writeFileSync(join(dir, sub, "__init__.py"), "");
}

function generate(pyDir, tsDir) {
  const axonFiles = protoFiles(join(protoRoot, "axon"));
  mkdirSync(pyDir, { recursive: true });
  mkdirSync(tsDir, { recursive: true });
  protoc([`--python_out=${pyDir}`, `--pyi_out=${pyDir}`, `--grpc_python_out=${pyDir}`, ...axonFiles]);
  fixPythonImports(pyDir);
  protoc([
    `--plugin=protoc-gen-ts_proto=${tsProtoPlugin}`,
    `--ts_proto_out=${tsDir}`,
    "--ts_proto_opt=outputServices=grpc-js,env=node,esModuleInterop=true,importSuffix=.js,oneof=unions-value,forceLong=number,useOptionals=messages,useExactTypes=false",
    ...protoFiles(protoRoot),
  ]);
}

function snapshot(dir) {
  return Object.fromEntries(
    walk(dir)
      .filter((f) => !f.includes("__pycache__"))
      .map((f) => [relative(dir, f), readFileSync(f, "utf8")]),
  );
}

function differences(expectedDir, actualDir) {
  const expected = snapshot(expectedDir);
  const actual = snapshot(actualDir);
  const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...names].filter((name) => expected[name] !== actual[name]);
}

if (process.argv.includes("--check")) {
  const scratch = mkdtempSync(join(tmpdir(), "axon-gen-"));
  try {
    generate(join(scratch, "py"), join(scratch, "ts"));
    const stale = [
      ...differences(join(scratch, "py"), pythonOut).map((f) => `python/src/axon_worker/_proto/${f}`),
      ...differences(join(scratch, "ts"), tsOut).map((f) => `packages/axon/src/gen/${f}`),
    ];
    if (stale.length > 0) {
      console.error(`Generated code is stale; run \`npm run gen\` and commit:\n  ${stale.join("\n  ")}`);
      process.exit(1);
    }
    console.log("generated code matches proto/");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  const scratch = mkdtempSync(join(tmpdir(), "axon-gen-"));
  generate(join(scratch, "py"), join(scratch, "ts"));
  rmSync(pythonOut, { recursive: true, force: true });
  rmSync(tsOut, { recursive: true, force: true });
  cpSync(join(scratch, "py"), pythonOut, { recursive: true });
  cpSync(join(scratch, "ts"), tsOut, { recursive: true });
  rmSync(scratch, { recursive: true, force: true });
  console.log("generated python/src/axon_worker/_proto and packages/axon/src/gen");
}
