import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Axon, createAxon, InvalidRequestError, isAxonError } from "../src/index.js";
import { fastSupervisor, repoRoot, SLOW_START_MS, STARTUP_TIMEOUT_MS } from "./helpers/start-axon.js";

// One Axon from a config file in a temporary directory, so that a relative `spec` resolves
// against the config file's directory (where support.json is copied), not the test's cwd.
const dir = mkdtempSync(join(tmpdir(), "axon-deps-"));
const poolLog = join(dir, "pool.log");
const configFile = join(dir, "axon.config.json");
copyFileSync(join(repoRoot, "examples/agents/support.json"), join(dir, "support.json"));
writeFileSync(
  configFile,
  JSON.stringify({
    python: { cwd: repoRoot },
    supervisor: fastSupervisor,
    startTimeoutMs: SLOW_START_MS,
    agents: {
      support: {
        module: "examples.agents.bank_support:support_agent",
        deps: "examples.agents.support_deps:make_deps",
        lifespan: "examples.agents.support_deps:lifespan",
      },
      pooled: {
        module: "examples.agents.pooled:agent",
        deps: "examples.agents.pooled:make_deps",
        lifespan: "examples.agents.pooled:lifespan",
        env: { AXON_TEST_POOL_LOG: poolLog },
      },
      specFile: { spec: "support.json" },
      specInline: { spec: { model: "test", description: "Inline spec.", instructions: "Be brief." } },
    },
  }),
);

let axon: Axon;
beforeAll(async () => {
  axon = await createAxon(configFile, { logger: pino({ level: "silent" }) });
}, STARTUP_TIMEOUT_MS);
afterAll(() => axon?.close({ timeoutMs: 5000 }));

async function failure(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (error) {
    return error;
  }
  throw new Error("expected the run to fail");
}

describe("deps factories and lifespans", () => {
  it("reports the factory's input type as the agent's deps schema", async () => {
    const agents = await axon.agents();
    const support = agents.find((agent) => agent.name === "support");
    expect(support?.depsSchema).toMatchObject({ title: "SupportRequest", required: ["customer_id"] });
  });

  it("serves the bank-support agent unchanged, its deps made from the caller's JSON and the lifespan's database", async () => {
    const result = await axon.run("support", "what is my balance?", { deps: { customer_id: 123 } });
    expect(Object.keys(result.output as object).sort()).toEqual(["block_card", "risk", "support_advice"]);
    const messages = JSON.stringify(result.allMessages);
    expect(messages).toContain("The customer's name is 'John'");
    expect(messages).toContain("$100.00");
  });

  it("shares the one pool the lifespan opened between two concurrent runs", async () => {
    const [a, b] = await Promise.all(
      ["a", "b"].map((caller) => axon.run("pooled", "go", { deps: { caller } })),
    );
    const answers = [a, b].map((result) => JSON.parse(result?.output as string));
    expect(answers.map((answer) => answer.caller).sort()).toEqual(["a", "b"]);
    expect(answers[0].pool).toBe(answers[1].pool);
    expect(answers.map((answer) => answer.opens)).toEqual([1, 1]);
    expect(answers.map((answer) => answer.peak)).toEqual([2, 2]);
    expect(readFileSync(poolLog, "utf8").trim().split("\n")).toEqual([`opened ${answers[0].pool}`]);
  });

  it("fails bad deps with an InvalidRequestError naming the field", async () => {
    const error = await failure(axon.run("support", "hi", { deps: { customer_id: "nope" } }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(isAxonError(error) && error.code).toBe("invalid_request");
    expect((error as InvalidRequestError).message).toContain("customer_id");
  });
});

describe("Agent Specs", () => {
  it("serves a spec file named relative to the config, with its description and output schema", async () => {
    const agents = await axon.agents();
    const spec = agents.find((agent) => agent.name === "specFile");
    expect(spec?.description).toBe("A support agent from an Agent Spec, with no Python code.");
    const result = await axon.run("specFile", "my card is lost");
    expect(Object.keys(result.output as object).sort()).toEqual(["answer", "escalate"]);
  });

  it("serves an inline spec and streams it", async () => {
    const events = [];
    for await (const event of axon.stream("specInline", "hi")) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "result" });
    expect(typeof (await axon.run("specInline", "hi")).output).toBe("string");
  });
});

describe("closing", () => {
  it("closes the lifespan's resources when the worker drains", async () => {
    const pool = readFileSync(poolLog, "utf8").trim().split(" ")[1];
    await axon.close({ timeoutMs: 5000 });
    expect(readFileSync(poolLog, "utf8").trim().split("\n")).toEqual([`opened ${pool}`, `closed ${pool}`]);
  });
});
