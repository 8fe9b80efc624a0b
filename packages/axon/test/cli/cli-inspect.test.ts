import { describe, expect, it } from "vitest";
import { BROKEN_CONFIG, CLI_CONFIG, runCaptured } from "./run-cli-captured.js";

describe("axon agents, status, doctor and help", () => {
  it("lists the agents with their tools as JSON", async () => {
    const { code, stdout } = await runCaptured(["agents", "--json", "--config", CLI_CONFIG]);
    expect(code).toBe(0);
    const agents = JSON.parse(stdout);
    expect(agents.map((agent: { name: string }) => agent.name).sort()).toEqual(["echo", "tools"]);
    const tools = agents.find((agent: { name: string }) => agent.name === "tools");
    expect(tools.tools[0]).toMatchObject({ name: "add", parameters: { properties: { a: {}, b: {} } } });
  });

  it("shows each worker's state in a table", async () => {
    const { code, stdout } = await runCaptured(["status", "--config", CLI_CONFIG]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^AGENT\s+#\s+STATE\s+PID/);
    expect(stdout).toMatch(/echo\s+0\s+ready\s+\d+\s+fork\s+frames\s/);
    expect(stdout).toMatch(/tools\s+0\s+ready\s+\d+/);
  });

  it("doctor passes every check on a good config", async () => {
    const { code, stdout } = await runCaptured(["doctor", "--config", CLI_CONFIG]);
    expect(stdout).toContain("ok    agent echo");
    expect(stdout).toContain("all checks passed");
    expect(code).toBe(0);
  });

  it("doctor names an agent that does not import and prints a fix", async () => {
    const { code, stdout } = await runCaptured(["doctor", "--config", BROKEN_CONFIG]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL {2}agent ghost: .*ModuleNotFoundError/);
    expect(stdout).toMatch(/fix: make `examples\.agents\.does_not_exist:agent` importable/);
    expect(stdout).toContain("ok    agent echo");
  });

  it("prints the usage for --help and an unknown command", async () => {
    expect((await runCaptured(["--help"])).stdout).toContain("axon run <agent> <prompt>");
    const unknown = await runCaptured(["launch"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'launch'");
  });
});
