import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";

const root = mkdtempSync(join(tmpdir(), "axon-init-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function init(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["init", ...args], {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    cwd: root,
    env: {},
  });
  return { code, stdout, stderr };
}

describe("axon init", () => {
  it("writes a project into a new directory, with a package.json when there is none, and says what is next", async () => {
    const { code, stdout } = await init(["fresh"]);
    expect(code).toBe(0);
    expect(readdirSync(join(root, "fresh")).sort()).toEqual(
      [".gitignore", "agents", "axon.config.ts", "package.json", "pyproject.toml"].sort(),
    );
    expect(stdout).toContain("cd fresh");
    expect(stdout).toContain("npx axon setup");
  });

  it("writes nothing at all when a single file it would write exists, and names it", async () => {
    const dir = join(root, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "pyproject.toml"), "# mine\n");
    const { code, stderr } = await init(["taken"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^config_error: axon init writes nothing: pyproject.toml already exists/);
    expect(readdirSync(dir)).toEqual(["pyproject.toml"]);
  });

  it("leaves an existing package.json alone", async () => {
    const dir = join(root, "node-app");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), "{}\n");
    expect((await init(["node-app"])).code).toBe(0);
    expect(existsSync(join(dir, "axon.config.ts"))).toBe(true);
  });
});
