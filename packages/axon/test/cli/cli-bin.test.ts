import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLI_CONFIG } from "./run-cli-captured.js";

const bin = join(import.meta.dirname, "../../dist/cli/main.js");

describe("the built axon executable", () => {
  it("runs as a program (shebang, exit code, stdout) with no standard input", async () => {
    const { stdout } = await promisify(execFile)(
      bin,
      ["run", "echo", "from the bin", "--config", CLI_CONFIG],
      {
        timeout: 30_000,
      },
    );
    expect(stdout).toBe("from the bin\n");
  });

  it("exits 1 with the error code on stderr when the run fails", async () => {
    const failure = await promisify(execFile)(bin, ["run", "nobody", "hi", "--config", CLI_CONFIG]).catch(
      (e) => e,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain("agent_not_found:");
  });
});
