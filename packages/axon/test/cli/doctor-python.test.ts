import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { repoRoot, STARTUP_TIMEOUT_MS } from "../helpers/start-axon.js";
import { CLI_CONFIG, runCaptured } from "./run-cli-captured.js";

const scratch = mkdtempSync(join(tmpdir(), "axon-doctor-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("axon doctor and the workers' Python", () => {
  it("checks the Python AXON_PYTHON names in the process environment, and fixes it with `npx axon setup`", async () => {
    vi.stubEnv("AXON_PYTHON", "/nonexistent/doctor-python");
    const { code, stdout } = await runCaptured(["doctor", "--config", CLI_CONFIG]);
    expect(code).toBe(1);
    expect(stdout).toContain("FAIL  python: /nonexistent/doctor-python (from AXON_PYTHON) did not run");
    expect(stdout).toContain("fix: run `npx axon setup`");
    expect(stdout).toContain("AXON_PYTHON at a Python that runs");
    // Fixes that only work inside Axon's own repository are gone.
    expect(stdout).not.toMatch(/npm install|uv sync|python\/\.venv/);
  });

  it("reads AXON_PYTHON from the environment the CLI was given", async () => {
    const { stdout } = await runCaptured(["doctor", "--config", CLI_CONFIG], {
      AXON_PYTHON: "/nonexistent/io-python",
    });
    expect(stdout).toContain("/nonexistent/io-python (from AXON_PYTHON) did not run");
  });

  it(
    "runs its probe with that Python and checks the worker's protocol version",
    async () => {
      const used = join(scratch, "used");
      const wrapper = join(scratch, "python");
      writeFileSync(
        wrapper,
        `#!/bin/sh\necho used >> '${used}'\nexec '${repoRoot}python/.venv/bin/python' "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
      const { code, stdout } = await runCaptured(["doctor", "--config", CLI_CONFIG], {
        AXON_PYTHON: wrapper,
      });
      expect(stdout).toContain(`at ${wrapper} (from AXON_PYTHON)`);
      expect(stdout).toMatch(/ok {4}worker protocol: 2, this Axon speaks 2/);
      expect(readFileSync(used, "utf8")).toContain("used");
      expect(code).toBe(0);
    },
    STARTUP_TIMEOUT_MS,
  );
});
