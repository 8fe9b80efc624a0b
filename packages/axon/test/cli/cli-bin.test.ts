import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLI_CONFIG } from "./run-cli-captured.js";

// The executable npm links (bin/axon.js, which loads the build in dist/).
const bin = join(import.meta.dirname, "../../bin/axon.js");

describe("the built axon executable", () => {
  it("is linked as node_modules/.bin/axon by the first npm install, through the committed bin/axon.js", async () => {
    const linked = join(import.meta.dirname, "../../../../node_modules/.bin/axon");
    const { stdout } = await promisify(execFile)(linked, ["--help"], { timeout: 30_000 });
    expect(stdout).toContain("axon init [dir]");
  });

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

describe("axon serve", () => {
  it("goes on serving when the reader of its output goes away (| head), and still stops with 0", async () => {
    const child = spawn(bin, ["serve", "--port", "0", "--config", CLI_CONFIG], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    // Like `| head -1`: read a first line, then close both pipes.
    await new Promise((resolve) => child.stderr.once("data", resolve));
    child.stdout.destroy();
    child.stderr.destroy();
    await new Promise((resolve) => setTimeout(resolve, 3000)); // boot and print into the closed pipes
    expect(child.exitCode).toBeNull();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("serves the gateway on a free port, prints the dashboard URL, and stops cleanly on SIGTERM", async () => {
    const child = spawn(bin, ["serve", "--port", "0", "--config", CLI_CONFIG], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", () => {
        const match = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`axon serve exited ${code} before serving: ${stdout}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const run = await fetch(`${url}/v1/agents/echo/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "over http" }),
    });
    expect(await run.json()).toMatchObject({ output: "over http" });
    // Another `axon` reaches it by AXON_URL, booting nothing of its own.
    const remote = await promisify(execFile)(bin, ["run", "echo", "via AXON_URL"], {
      env: { ...process.env, AXON_URL: url },
      timeout: 30_000,
    });
    expect(remote).toMatchObject({ stdout: "via AXON_URL\n", stderr: "" });
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });

  it("refuses a non-loopback host without a token before starting any worker", async () => {
    const failure = await promisify(execFile)(bin, [
      "serve",
      "--host",
      "0.0.0.0",
      "--config",
      CLI_CONFIG,
    ]).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/config_error: refusing to serve on 0\.0\.0\.0 without a token/);
    expect(failure.stderr).not.toContain("starting echo");
  });
});
