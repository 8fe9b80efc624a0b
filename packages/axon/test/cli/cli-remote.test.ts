import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOT_TIMEOUT_MS, type DemoGateway, startDemoGateway } from "../gateway/demo-gateway.js";
import { CLI_CONFIG, runCaptured } from "./run-cli-captured.js";

const TOKEN = "s3cret";
let gateway: DemoGateway;
/** `--url` and `--token` of the running gateway. */
let remote: string[];
/** AXON_URL and AXON_TOKEN of the running gateway. */
let remoteEnv: Record<string, string>;

beforeAll(async () => {
  gateway = await startDemoGateway({
    token: TOKEN,
    agents: {
      echo: { module: "examples.agents.echo:agent" },
      tools: { module: "examples.agents.tools:agent" },
      chaos: { module: "examples.agents.chaos:agent" },
    },
  });
  remote = ["--url", gateway.url, "--token", TOKEN];
  remoteEnv = { AXON_URL: gateway.url, AXON_TOKEN: TOKEN };
}, BOOT_TIMEOUT_MS);

afterAll(() => gateway?.close());

/** A loopback port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the CLI against a running axon serve", () => {
  it("runs with --url and --token, starting no worker of its own", async () => {
    const { code, stdout, stderr } = await runCaptured(["run", "echo", "over http", ...remote]);
    expect(code).toBe(0);
    expect(stdout).toBe("over http\n");
    expect(stderr).toBe("");
  });

  it("runs with AXON_URL and AXON_TOKEN, printing the whole result with --json", async () => {
    const { code, stdout } = await runCaptured(["run", "echo", "from the env", "--json"], remoteEnv);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ output: "from the env", usage: { requests: 1 } });
    expect(result.allMessages.length).toBeGreaterThanOrEqual(2);
  });

  it("streams text as it arrives with --stream", async () => {
    const { code, stdout } = await runCaptured(["run", "echo", "one two three", "--stream", ...remote]);
    expect(code).toBe(0);
    expect(stdout).toBe("one two three\n");
  });

  it("prints the run's events, as a local run does, with --stream --json", async () => {
    const { code, stdout } = await runCaptured(
      ["run", "tools", "add 2 and 3", "--stream", "--json"],
      remoteEnv,
    );
    expect(code).toBe(0);
    const types = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).type);
    expect(types).not.toContain("start"); // the gateway's own event, not a RunEvent
    expect(types.indexOf("tool-call")).toBeLessThan(types.indexOf("tool-result"));
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toMatchObject({
      type: "result",
      result: { output: "5" },
    });
  });

  it("lists the server's agents with `axon agents`", async () => {
    const { code, stdout } = await runCaptured(["agents", "--json", ...remote]);
    expect(code).toBe(0);
    const agents = JSON.parse(stdout);
    expect(agents.map((agent: { name: string }) => agent.name).sort()).toEqual(["chaos", "echo", "tools"]);
    expect(agents.find((agent: { name: string }) => agent.name === "tools").tools[0].name).toBe("add");
  });

  it("shows the server's workers with `axon status`, or one agent's", async () => {
    const all = await runCaptured(["status"], remoteEnv);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/echo\s+0\s+ready\s+\d+/);
    expect(all.stdout).toMatch(/tools\s+0\s+ready\s+\d+/);
    const one = await runCaptured(["status", "echo", "--json", ...remote]);
    expect(JSON.parse(one.stdout).map((worker: { agent: string }) => worker.agent)).toEqual(["echo"]);
  });

  it("reports the server's failure of a run as its code and message, unary and streamed", async () => {
    for (const stream of [[], ["--stream"]]) {
      const { code, stderr } = await runCaptured(["run", "chaos", "retry", ...stream, ...remote]);
      expect(code).toBe(1);
      // The last line; a streamed run prints its tool calls on stderr before it.
      expect(stderr.trimEnd().split("\n").at(-1)).toMatch(
        /^unexpected_model_behavior: Tool 'flaky' exceeded/,
      );
    }
  });

  it("reports an agent the server does not have as agent_not_found", async () => {
    const run = await runCaptured(["run", "nobody", "hi", ...remote]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^agent_not_found: .*"nobody".*echo, tools, chaos/);
    const agents = await runCaptured(["agents", "nobody"], remoteEnv);
    expect(agents.stderr).toBe('agent_not_found: unknown agent "nobody"; known agents: echo, tools, chaos\n');
  });

  it("says how to pass the token when the server refuses it", async () => {
    for (const token of [["--token", "wrong"], []]) {
      const { code, stdout, stderr } = await runCaptured([
        "run",
        "echo",
        "hi",
        "--url",
        gateway.url,
        ...token,
      ]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toBe(
        `config_error: ${gateway.url} refused the request: a valid bearer token is required ` +
          "(Authorization: Bearer <token>); pass its token with --token or AXON_TOKEN\n",
      );
    }
  });

  it("names the URL and the fix when no server answers there", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    for (const argv of [
      ["status", "--url", url],
      ["run", "echo", "hi", "--stream", "--url", url],
    ]) {
      const { code, stderr } = await runCaptured(argv);
      expect(code).toBe(1);
      expect(stderr).toMatch(
        new RegExp(
          `^agent_unavailable: cannot reach axon serve at ${url} \\(connect ECONNREFUSED [^)]+\\); ` +
            "start it with `axon serve`, or point --url / AXON_URL at a running one\n$",
        ),
      );
    }
  });

  it("refuses --config together with a URL, and a URL that is none, as bad usage", async () => {
    const both = await runCaptured(["status", "--config", CLI_CONFIG], remoteEnv);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("unset AXON_URL to run locally");
    const bad = await runCaptured(["status", "--url", "localhost:4000"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("must be an http:// or https:// address, got 'localhost:4000'");
  });
});
