// Every `axon.run` option given something it should not take: each run fails on its own with an
// AxonError naming what is wrong, and the workers keep serving.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon } from "../../src/index.js";
import { failure } from "../helpers/failure.js";
import { pidOf, STARTUP_TIMEOUT_MS } from "../helpers/start-axon.js";
import { startHostileAxon } from "./hostile-gateway.js";

describe("axon.run with hostile input", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startHostileAxon();
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  /** `{ a: { a: ... } }`, `levels` deep: past Python's json recursion limit at 1,000. */
  const nested = (levels: number) => {
    let value: Record<string, unknown> = {};
    for (let i = 0; i < levels; i++) value = { a: value };
    return value;
  };

  const circular: Record<string, unknown> = {};
  circular.self = circular;

  it.each([
    ["messageHistory", "not a list", "messageHistory"],
    ["modelSettings", ["an", "array"], "modelSettings"],
    ["model", 42, "model"],
    ["model", "", "model"],
    ["usageLimits", { requestLimit: -1 }, "usageLimits.requestLimit"],
    ["usageLimits", { requestLimit: "3" }, "usageLimits.requestLimit"],
    ["usageLimits", { requestLimits: 3 }, "usageLimits"],
    ["timeoutMs", 0, "timeoutMs"],
    ["timeoutMs", "1000", "timeoutMs"],
    // Past a Node timer's longest wait (2^31 - 1 ms), at grpc-js's deadline limit, and beyond.
    ["timeoutMs", 2 ** 31, "timeoutMs"],
    ["timeoutMs", 3.7e14, "timeoutMs"],
    ["timeoutMs", 1e15, "timeoutMs"],
    ["timeoutMs", Number.MAX_SAFE_INTEGER, "timeoutMs"],
    ["retry", { attempts: 2, backoffMs: 3e9 }, "retry.backoffMs"],
    ["signal", { aborted: false }, "signal"],
    ["metadata", "a string", "metadata"],
    ["retry", { attempts: 0 }, "retry.attempts"],
    ["retry", { attempts: 1e9 }, "retry.attempts"],
    ["runId", "$(rm -rf ~)", "runId"],
    ["runId", "x".repeat(129), "runId"],
    ["noSuchOption", true, ""],
  ])("refuses %s = %j, naming %s", async (option, value, field) => {
    const error = await failure(axon.run("echo", "hi", { [option]: value } as never));
    expect(error).toMatchObject({ code: "invalid_request", retryable: false });
    if (field) expect(error.field).toBe(field);
    expect(error.message).toContain(field || "noSuchOption");
  });

  it.each(["modelSettings", "metadata", "deps", "messageHistory"])(
    "refuses %s nested 1,000 deep (Python's json parser would raise RecursionError), naming it",
    async (option) => {
      const value = option === "messageHistory" ? [nested(1000)] : nested(1000);
      const error = await failure(axon.run("echo", "hi", { [option]: value }));
      expect(error).toMatchObject({ code: "invalid_request", field: option });
      expect(error.message).toContain("nests deeper than 100 levels");
    },
  );

  it.each([
    ["a number", 42],
    ["undefined", undefined],
    ["an object", { text: "hi" }],
  ])("refuses a prompt that is %s", async (_what, prompt) => {
    const error = await failure(axon.run("echo", prompt as never));
    expect(error).toMatchObject({ code: "invalid_request", field: "prompt" });
  });

  it.each([
    ["metadata", circular],
    ["deps", { big: 10n }],
    ["modelSettings", { temperature: circular }],
    ["deps", () => "a function"],
  ])("refuses %s that cannot be JSON with an invalid_request, not a TypeError", async (option, value) => {
    const error = await failure(axon.run("echo", "hi", { [option]: value }));
    expect(error).toMatchObject({ code: "invalid_request", field: option });
  });

  it("reports a malformed message history as the worker's invalid_request", async () => {
    const error = await failure(axon.run("echo", "hi", { messageHistory: [{ kind: "nonsense", parts: 3 }] }));
    expect(error).toMatchObject({ code: "invalid_request", field: "message_history_json" });
  });

  it("reports an unknown model string as an invalid_request on field model", async () => {
    const error = await failure(axon.run("echo", "hi", { model: "no-such-provider:model-x" }));
    expect(error).toMatchObject({ code: "invalid_request", field: "model" });
  });

  it("reports model settings of the wrong type as an invalid_request", async () => {
    const error = await failure(axon.run("echo", "hi", { modelSettings: { temperature: "hot" } }));
    expect(error).toMatchObject({ code: "invalid_request", field: "model_settings_json" });
  });

  it.each([
    ["of the wrong type", { name: 5 }],
    ["with a missing field", { excited: true }],
    ["that are not an object", "Ada"],
  ])("reports deps %s as an invalid_request on deps_json", async (_what, deps) => {
    const error = await failure(axon.run("greeter", "hi", { deps }));
    expect(error).toMatchObject({ code: "invalid_request", field: "deps_json" });
  });

  it("refuses an unknown agent, and one named with shell metacharacters, listing the known ones", async () => {
    for (const name of ["nope", "echo; rm -rf ~", "$(id)", "../echo", ""]) {
      const error = await failure(axon.run(name, "hi"));
      expect(error).toMatchObject({ code: "agent_not_found", knownAgents: ["echo", "greeter"] });
    }
  });

  it("passes shell metacharacters in a prompt through as plain text, running nothing", async () => {
    const marker = join(tmpdir(), `axon-pwned-${process.pid}`);
    const prompt = `$(touch ${marker}); \`touch ${marker}\` | touch ${marker} && echo "'\n\0"`;
    expect((await axon.run("echo", prompt)).output).toBe(prompt);
    expect(existsSync(marker)).toBe(false);
  });

  it("keeps the same workers serving after all of the above", async () => {
    const pid = pidOf(axon, "echo");
    expect((await axon.run("greeter", "hi", { deps: { name: "Ada" } })).output).toBe("Hello, Ada.");
    expect((await axon.run("echo", "still here")).output).toBe("still here");
    expect(axon.status().map((w) => [w.state, w.restarts])).toEqual([
      ["ready", 0],
      ["ready", 0],
    ]);
    expect(pidOf(axon, "echo")).toBe(pid);
  });
});
