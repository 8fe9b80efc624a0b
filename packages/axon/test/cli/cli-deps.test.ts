import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOT_TIMEOUT_MS, type DemoGateway, startDemoGateway } from "../gateway/demo-gateway.js";
import { runCaptured } from "./run-cli-captured.js";

const DEPS_CONFIG = join(import.meta.dirname, "deps-config.json");
const SUPPORT = {
  module: "examples.agents.bank_support:support_agent",
  deps: "examples.agents.support_deps:make_deps",
  lifespan: "examples.agents.support_deps:lifespan",
};

/** The customer's name the agent's instructions read from the database, as --json shows it. */
function customerIn(stdout: string): string | undefined {
  return /The customer's name is '(\w+)'/.exec(stdout)?.[1];
}

let gateway: DemoGateway;
beforeAll(async () => {
  gateway = await startDemoGateway({ agents: { support: SUPPORT } });
}, BOOT_TIMEOUT_MS);
afterAll(() => gateway?.close());

describe("axon run --deps", () => {
  it("sends --deps as the run's deps", async () => {
    const { code, stdout } = await runCaptured([
      "run",
      "support",
      "balance?",
      "--deps",
      '{"customer_id": 123}',
      "--json",
      "--config",
      DEPS_CONFIG,
    ]);
    expect(code).toBe(0);
    expect(customerIn(stdout)).toBe("John");
  });

  it("reads --deps-file, relative to the working directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "axon-deps-"));
    writeFileSync(join(dir, "deps.json"), '{"customer_id": 7}');
    const { code, stdout } = await runCaptured([
      "run",
      "support",
      "balance?",
      "--deps-file",
      relative(import.meta.dirname, join(dir, "deps.json")),
      "--json",
      "--config",
      DEPS_CONFIG,
    ]);
    expect(code).toBe(0);
    expect(customerIn(stdout)).toBe("Ada");
  });

  it("sends --deps to a running axon serve with --url", async () => {
    const { code, stdout, stderr } = await runCaptured([
      "run",
      "support",
      "balance?",
      "--deps",
      '{"customer_id": 7}',
      "--json",
      "--url",
      gateway.url,
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(customerIn(stdout)).toBe("Ada");
  });

  it("fails bad deps as invalid_request naming the field, over --url too", async () => {
    const { code, stderr } = await runCaptured([
      "run",
      "support",
      "hi",
      "--deps",
      '{"customer_id": "x"}',
      "--url",
      gateway.url,
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain("invalid_request");
    expect(stderr).toContain("customer_id");
  });

  it("refuses --deps that is not JSON, and both flags at once, as usage errors", async () => {
    const notJson = await runCaptured(["run", "support", "hi", "--deps", "{nope", "--url", gateway.url]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain("--deps: not JSON");
    const both = await runCaptured(["run", "support", "hi", "--deps", "{}", "--deps-file", "x.json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give --deps or --deps-file, not both");
  });
});
