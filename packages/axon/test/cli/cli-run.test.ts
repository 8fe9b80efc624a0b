import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI_CONFIG, runCaptured } from "./run-cli-captured.js";

/** A `history.json` with `content`, in a fresh temporary directory. */
function historyFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "axon-cli-")), "history.json");
  writeFileSync(file, content);
  return file;
}

describe("axon run", () => {
  it("prints the output of a run and exits 0", async () => {
    const { code, stdout, stderr } = await runCaptured([
      "run",
      "echo",
      "hello world",
      "--config",
      CLI_CONFIG,
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe("hello world\n");
    expect(stderr).toContain("all workers ready in");
  });

  it("prints the whole result object with --json", async () => {
    const { code, stdout } = await runCaptured(["run", "echo", "hi there", "--json", "--config", CLI_CONFIG]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.output).toBe("hi there");
    expect(result.usage.requests).toBe(1);
    expect(typeof result.runId).toBe("string");
    expect(result.allMessages.length).toBeGreaterThanOrEqual(2);
  });

  it("prints one JSON event per line with --stream --json, the result last", async () => {
    const { code, stdout } = await runCaptured([
      "run",
      "tools",
      "add 2 and 3",
      "--stream",
      "--json",
      "--config",
      CLI_CONFIG,
    ]);
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const types = events.map((event) => event.type);
    expect(types.indexOf("tool-call")).toBeLessThan(types.indexOf("tool-result"));
    expect(events.at(-1)).toMatchObject({ type: "result", result: { output: "5" } });
  });

  it("prints text as it arrives with --stream", async () => {
    const { code, stdout } = await runCaptured([
      "run",
      "echo",
      "one two three",
      "--stream",
      "--config",
      CLI_CONFIG,
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe("one two three\n");
  });

  it("continues a conversation from a previous --json result given as --history", async () => {
    const first = await runCaptured(["run", "echo", "first turn", "--json", "--config", CLI_CONFIG]);
    const file = historyFile(first.stdout);
    const { code, stdout } = await runCaptured([
      "run",
      "echo",
      "second turn",
      "--json",
      "--history",
      file,
      "--config",
      CLI_CONFIG,
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.allMessages.length).toBe(JSON.parse(first.stdout).allMessages.length + 2);
  }, 60_000); // two CLI invocations, each starting its workers

  it("exits 1 with the error code and message on stderr for an unknown agent", async () => {
    const { code, stdout, stderr } = await runCaptured(["run", "nobody", "hi", "--config", CLI_CONFIG]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/agent_not_found: .*nobody.*echo, tools/);
  });

  it("exits 2 naming the flag for an unknown option, before starting any worker", async () => {
    const { code, stderr } = await runCaptured(["run", "echo", "hi", "--strem", "--config", CLI_CONFIG]);
    expect(code).toBe(2);
    expect(stderr).toContain("--strem");
    expect(stderr).not.toContain("ready");
  });

  it("exits 2 when a history file is not JSON", async () => {
    const file = historyFile("not json");
    const { code, stderr } = await runCaptured([
      "run",
      "echo",
      "hi",
      "--history",
      file,
      "--config",
      CLI_CONFIG,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("--history");
  });
});
