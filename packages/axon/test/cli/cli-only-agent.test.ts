import { describe, expect, it } from "vitest";
import { CLI_CONFIG, runCaptured } from "./run-cli-captured.js";

// runCaptured runs with no --config from test/cli/, where there is no axon.config.*: the CLI
// takes the demo config (examples/axon.config.ts: echo x2, structured, tools, chaos, orders).
const OTHER_DEMO_AGENTS = ["structured", "tools", "chaos", "orders"];

describe("a CLI command about one agent", () => {
  it("axon run echo boots echo's workers and none of the config's other agents", async () => {
    const { code, stdout, stderr } = await runCaptured(["run", "echo", "hi"]);
    expect(code).toBe(0);
    expect(stdout).toBe("hi\n");
    expect(stderr).toContain("using the demo config");
    expect(stderr).toContain("starting echo#0");
    expect(stderr).toContain("starting echo#1");
    for (const agent of OTHER_DEMO_AGENTS) expect(stderr).not.toContain(`starting ${agent}#`);
  });

  it("fails a mistyped agent with agent_not_found before any worker boots", async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await runCaptured(["run", "ecoh", "hi"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(
      'agent_not_found: unknown agent "ecoh"; known agents: echo, structured, tools, chaos, orders',
    );
    expect(stderr).not.toContain("starting");
    // Loading the TypeScript config is all it costs; one worker boot alone takes seconds.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("fails `axon agents <name>` and `axon status <name>` for an unknown agent the same way", async () => {
    for (const command of ["agents", "status"]) {
      const { code, stderr } = await runCaptured([command, "nobody", "--config", CLI_CONFIG]);
      expect(code).toBe(1);
      expect(stderr).toBe('agent_not_found: unknown agent "nobody"; known agents: echo, tools\n');
    }
  });

  it("axon agents <name> describes that agent only, booting only its workers", async () => {
    const { code, stdout, stderr } = await runCaptured(["agents", "tools", "--json", "--config", CLI_CONFIG]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((agent: { name: string }) => agent.name)).toEqual(["tools"]);
    expect(stderr).toContain("starting tools#0");
    expect(stderr).not.toContain("starting echo#");
  });

  it("still takes one optional agent only", async () => {
    const { code, stderr } = await runCaptured(["status", "echo", "tools", "--config", CLI_CONFIG]);
    expect(code).toBe(2);
    expect(stderr).toContain('expected [agent], got ["echo","tools"]');
  });
});
