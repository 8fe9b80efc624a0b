import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAxonError } from "../../src/errors/axon-error.js";
import { findUv } from "../../src/python-env/find-uv.js";

const cache = mkdtempSync(join(tmpdir(), "axon-uv-cache-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe("findUv", () => {
  it("refuses an AXON_UV that does not run, saying how to fix it", () => {
    const error = (() => {
      try {
        findUv({ env: { AXON_UV: "/nonexistent/uv", PATH: "/usr/bin:/bin" } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isAxonError(error) && error.code).toBe("python_setup_failed");
    expect((error as Error).message).toContain("AXON_UV=/nonexistent/uv is not a runnable uv");
    expect((error as Error).message).toContain("fix: ");
  });

  it("takes the uv Axon installed in its tool cache when none is on PATH", () => {
    const bin = join(cache, "uv", "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "uv"), "#!/bin/sh\necho 'uv 0.0.0-test'\n");
    chmodSync(join(bin, "uv"), 0o755);
    expect(findUv({ env: { AXON_CACHE_DIR: cache, PATH: "/usr/bin:/bin" } })).toEqual({
      executable: join(bin, "uv"),
      source: "cache",
    });
  });

  it("reports a failed install from PyPI with the command's output", () => {
    const error = (() => {
      try {
        findUv({
          env: { AXON_CACHE_DIR: join(cache, "empty"), PATH: "/usr/bin:/bin" },
          python: "/nonexistent/python3",
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isAxonError(error) && error.code).toBe("python_setup_failed");
    expect((error as Error).message).toContain("cannot install uv");
  });
});
