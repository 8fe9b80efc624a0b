import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../helpers/start-axon.js";

const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

/**
 * Writes `files` as a TypeScript project in `dir`, as a user's would be (strict, NodeNext, ESM),
 * with `axon-agents` mapped to this package's source, and runs tsc on it.
 * @returns tsc's exit code and what it printed (its diagnostics).
 */
export function typeCheck(
  dir: string,
  files: Record<string, string>,
): Promise<{ code: number; output: string }> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const compilerOptions = {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [join(repoRoot, "node_modules", "@types")],
    paths: { "axon-agents": [join(repoRoot, "packages", "axon", "src", "index.ts")] },
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: Object.keys(files) }));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsc, "-p", dir, "--pretty", "false"],
      { cwd: dir },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}
