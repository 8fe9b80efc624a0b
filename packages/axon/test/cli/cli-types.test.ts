import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, STARTUP_TIMEOUT_MS } from "../helpers/start-axon.js";
import { typeCheck } from "../types-gen/type-check.js";
import { runCaptured } from "./run-cli-captured.js";

const DEMO_CONFIG = join(repoRoot, "examples", "axon.config.ts");
// One agent whose deps are a pydantic model (`Customer`), so its deps have a type.
const GREETER_CONFIG = join(repoRoot, "packages", "axon", "test", "fixtures", "typed-deps-config.json");
// Compiling a project with the library's source takes a while on a loaded machine.
const TSC_TIMEOUT_MS = 120_000;

// What a user writes: one type argument, then no generics and no casts.
const GOOD_USE = `import { type Axon, createAxon, createGateway } from "axon-agents";
import type { AgentTypes } from "./demo-types.js";
import type { AgentTypes as GreeterTypes } from "./greeter-types.js";

const axon = await createAxon<AgentTypes>("axon.config.ts");
const paris = await axon.run("structured", "Paris");
const population: number = paris.output.population;
const echoed: string = (await axon.run("echo", "hi")).output;
for await (const event of axon.stream("structured", "Tokyo")) {
  if (event.type === "result") console.log(event.result.output.country.toUpperCase());
}
const greeter = await createAxon<GreeterTypes>("greeter.config.json");
const greeting = await greeter.run("greeter", "hi", { deps: { customer_id: 7, name: "Ada" } });
const polite: boolean = greeting.output.polite;

// A typed Axon is still an Axon; an untyped one works as before, run<T> included.
const plain: Axon = axon;
createGateway({ axon });
const untyped = await createAxon();
const named: string = (await untyped.run<{ city: string }>("structured", "Paris")).output.city;
console.log(population, echoed, polite, plain, named);
`;

// Each line a mistake tsc must catch; the tests below name them by line.
const BAD_USE = `import { createAxon } from "axon-agents";
import type { AgentTypes } from "./demo-types.js";
import type { AgentTypes as GreeterTypes } from "./greeter-types.js";
const axon = await createAxon<AgentTypes>();
const greeter = await createAxon<GreeterTypes>();
const wrongOutput: string = (await axon.run("structured", "Paris")).output;
const misspelt = (await axon.run("structured", "Paris")).output.populaton;
await axon.run("structurd", "Paris");
await greeter.run("greeter", "hi", { deps: { customer: 7, name: "Ada" } });
await greeter.run("greeter", "hi", { deps: { customer_id: "7", name: "Ada" } });
console.log(wrongOutput, misspelt);
`;

describe("axon types", () => {
  let dir: string;
  let generated: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "axon-types-"));
    generated = await runCaptured(["types", "--config", DEMO_CONFIG, "--out", join(dir, "demo-types.ts")]);
    const greeter = await runCaptured([
      "types",
      "--config",
      GREETER_CONFIG,
      "--out",
      join(dir, "greeter-types.ts"),
    ]);
    expect(greeter.code, greeter.stderr).toBe(0);
  }, STARTUP_TIMEOUT_MS * 2);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes every demo agent's output and deps types, and AgentTypes", () => {
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toMatch(/^wrote .*demo-types\.ts \(chaos, echo, orders, structured, tools/);
    const text = readFileSync(join(dir, "demo-types.ts"), "utf8");
    expect(text).toContain("export interface AgentTypes {");
    expect(text).toMatch(/structured: \{\n\s+output: CityInfo;\n\s+deps: unknown;/);
    expect(text).toContain(
      "export interface CityInfo {\n  city: string;\n  country: string;\n  population: number;\n}",
    );
    expect(text).toContain("export type EchoOutput = string;");
    expect(readFileSync(join(dir, "greeter-types.ts"), "utf8")).toMatch(
      /greeter: \{\n\s+output: Greeting;\n\s+deps: Customer;/,
    );
  });

  it(
    "generates a module a user's project compiles, with runs typed by agent name",
    async () => {
      const { code, output } = await typeCheck(dir, { "good.ts": GOOD_USE });
      expect(output).toBe("");
      expect(code).toBe(0);
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "makes a wrong use of an agent's output, an unknown agent and wrong deps compile errors",
    async () => {
      const { code, output } = await typeCheck(dir, { "bad.ts": BAD_USE });
      expect(code).toBe(2);
      const errors = output.split("\n").filter((line) => line.startsWith("bad.ts("));
      expect(errors).toHaveLength(5);
      expect(output).toMatch(
        /bad\.ts\(6,7\): error TS2322: Type 'CityInfo' is not assignable to type 'string'/,
      );
      expect(output).toMatch(
        /bad\.ts\(7,.*error TS2551: Property 'populaton' does not exist on type 'CityInfo'/,
      );
      expect(output).toMatch(
        /bad\.ts\(8,.*error TS2345: Argument of type '"structurd"' is not assignable to parameter of type '.*"structured".*'/,
      );
      expect(output).toMatch(/bad\.ts\(9,.*'customer' does not exist in type 'Customer'/);
      expect(output).toMatch(/bad\.ts\(10,.*error TS2322: Type 'string' is not assignable to type 'number'/);
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "--check passes on the file it generated",
    async () => {
      const out = join(dir, "greeter-types.ts");
      const { code, stdout, stderr } = await runCaptured([
        "types",
        "--check",
        "--config",
        GREETER_CONFIG,
        "--out",
        out,
      ]);
      expect(stderr).not.toContain("types_");
      expect(stdout).toMatch(/greeter-types\.ts is up to date \(greeter\)/);
      expect(code).toBe(0);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "--check fails on a stale file with its code, the first differing line and the command that fixes it",
    async () => {
      const stale = join(dir, "stale-types.ts");
      const lines = readFileSync(join(dir, "greeter-types.ts"), "utf8").split("\n");
      const at = lines.findIndex((line) => line.includes("polite: boolean;"));
      lines[at] = "  polite: string;";
      writeFileSync(stale, lines.join("\n"));
      const { code, stderr } = await runCaptured([
        "types",
        "--check",
        "--config",
        GREETER_CONFIG,
        "--out",
        stale,
      ]);
      expect(stderr).toMatch(
        new RegExp(
          `types_stale: .*stale-types\\.ts does not match the agents' schemas \\(first difference at line ${at + 1}\\); regenerate it with \`npx axon types --config .* --out .*stale-types\\.ts\``,
        ),
      );
      expect(readFileSync(stale, "utf8")).toContain("polite: string;"); // --check writes nothing
      expect(code).toBe(1);
    },
    STARTUP_TIMEOUT_MS,
  );

  it("--check fails on a missing file before any worker starts", async () => {
    const missing = join(dir, "nowhere", "axon-types.ts");
    const { code, stderr } = await runCaptured([
      "types",
      "--check",
      "--config",
      GREETER_CONFIG,
      "--out",
      missing,
    ]);
    expect(stderr).toMatch(
      /^types_missing: .*nowhere\/axon-types\.ts does not exist; generate it with `npx axon types/,
    );
    expect(stderr).not.toContain("starting");
    expect(code).toBe(1);
  });

  it(
    "writes axon-types.ts beside the config by default",
    async () => {
      const project = join(dir, "project");
      const config = JSON.parse(readFileSync(GREETER_CONFIG, "utf8"));
      config.python.cwd = join(repoRoot, "packages", "axon", "test", "fixtures");
      mkdirSync(project);
      writeFileSync(join(project, "axon.config.json"), JSON.stringify(config));
      const { code, stdout } = await runCaptured(["types", "--config", join(project, "axon.config.json")]);
      expect(code).toBe(0);
      expect(stdout).toContain("project/axon-types.ts");
      expect(readFileSync(join(project, "axon-types.ts"), "utf8")).toBe(
        readFileSync(join(dir, "greeter-types.ts"), "utf8"),
      );
    },
    STARTUP_TIMEOUT_MS,
  );
});
