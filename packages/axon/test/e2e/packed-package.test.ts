// The package as a user gets it: `npm pack`, installed into a project outside this repository,
// then only what the README and docs/getting-started.md tell a user to type. No path into the
// repository appears in the project, its environment or its commands.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/start-axon.js";
import { type Finished, makeUserProject, run, userEnv } from "./user-project.js";

const packageDir = join(repoRoot, "packages", "axon");
const { root, project } = makeUserProject();
let tarball = "";
let env: NodeJS.ProcessEnv;

/** `npx axon ...` in the user's project, with the user's minimal PATH. */
const axon = (args: string[], timeoutMs = 180_000): Promise<Finished> =>
  run("npx", ["--no-install", "axon", ...args], { cwd: project, env, timeoutMs });

beforeAll(async () => {
  const packed = await run("npm", ["pack", "--silent", "--pack-destination", root], { cwd: packageDir });
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(root, packed.stdout.trim().split("\n").at(-1) ?? "");
  env = userEnv();
  mkdirSync(project);
  const init = await run("npm", ["init", "-y"], { cwd: project, env });
  expect(init.code, init.stderr).toBe(0);
  const install = await run("npm", ["install", "--prefer-offline", tarball], {
    cwd: project,
    env,
    timeoutMs: 300_000,
  });
  expect(install.code, install.stderr).toBe(0);
}, 400_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the packed axon-agents package, in a user's project outside the repository", () => {
  it("ships the library, the CLI, the dashboard, the worker wheel, README and license, and nothing of the repo", async () => {
    const listing = await run("tar", ["-tzf", tarball], {});
    const files = listing.stdout.split("\n");
    for (const expected of [
      "package/bin/axon.js",
      "package/dist/index.js",
      "package/dist/index.d.ts",
      "package/dist/cli/main.js",
      "package/assets/dashboard/index.html",
      "package/README.md",
      "package/LICENSE",
    ]) {
      expect(files).toContain(expected);
    }
    expect(files.some((file) => /^package\/assets\/python\/axon_worker-.+\.whl$/.test(file))).toBe(true);
    expect(
      files.filter((file) => file.startsWith("package/test/") || file.startsWith("package/src/")),
    ).toEqual([]);
    const installed = join(project, "node_modules", "axon-agents");
    const grep = await run("grep", ["-rl", repoRoot, installed], {});
    expect(grep.stdout).toBe("");
  });

  it("scaffolds a project with `axon init` and refuses to overwrite it", async () => {
    const init = await axon(["init"]);
    expect(init.code, init.stderr).toBe(0);
    for (const file of ["axon.config.ts", "agents/assistant.py", "pyproject.toml", ".gitignore"]) {
      expect(existsSync(join(project, file))).toBe(true);
    }
    expect(readFileSync(join(project, "axon.config.ts"), "utf8")).toContain('from "axon-agents"');
    const again = await axon(["init"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^config_error: axon init writes nothing: axon.config.ts/);
  });

  it("creates the project's .venv with `axon setup`, with the worker and pyproject.toml's dependencies", async () => {
    const setup = await axon(["setup"], 300_000);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`${join(project, ".venv")} ready`);
    const python = join(project, ".venv", "bin", "python");
    const probe = await run(python, ["-c", "import axon_worker, pydantic_ai; print(axon_worker.__file__)"], {
      env,
    });
    expect(probe.stdout).toContain(join(project, ".venv"));
    const again = await axon(["setup"]);
    expect(again.stdout).toContain("already up to date");
  }, 320_000);

  it("runs the example agent offline, whole and streamed", async () => {
    const plain = await axon(["run", "assistant", "hello world"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe("You said: hello world\n");
    const streamed = await axon(["run", "assistant", "one two three", "--stream", "--json"]);
    expect(streamed.code, streamed.stderr).toBe(0);
    const events = streamed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; text?: string });
    const deltas = events.filter((event) => event.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => event.text).join("")).toBe("You said: one two three");
  });

  it("syncs .venv again before a run when pyproject.toml changed since the last setup", async () => {
    appendFileSync(join(project, "pyproject.toml"), "# edited by the user\n");
    const run = await axon(["run", "assistant", "after an edit"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("is missing or out of date; syncing it");
    expect(run.stdout).toBe("You said: after an edit\n");
  });

  it("checks the project with `axon doctor`", async () => {
    const doctor = await axon(["doctor"]);
    expect(doctor.code, `${doctor.stdout}${doctor.stderr}`).toBe(0);
    expect(doctor.stdout).toContain("assistant");
  });

  it("serves the agent and the dashboard with `axon serve`, and stops on SIGTERM", async () => {
    // The bin itself, as under a process manager: npm/npx do not forward SIGTERM reliably.
    const bin = join(project, "node_modules", ".bin", "axon");
    const server: ChildProcess = spawn(bin, ["serve", "--port", "0"], {
      cwd: project,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = "";
        server.stdout?.on("data", (chunk) => {
          stdout += chunk;
          const match = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
          if (match?.[1]) resolve(match[1]);
        });
        server.on("exit", (code) => reject(new Error(`axon serve exited with ${code} before serving`)));
      });
      const response = await fetch(`${url}/v1/agents/assistant/run`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: "over HTTP" }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { output: string }).output).toBe("You said: over HTTP");
      const dashboard = await fetch(`${url}/`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain("<html");
    } finally {
      const exited = new Promise<number | null>((resolve) => server.on("exit", resolve));
      server.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  }, 120_000);
});
