import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Axon, RunEvent } from "../src/index.js";
import { startError } from "../src/worker/start-error.js";
import { repoRoot, STARTUP_TIMEOUT_MS, startAxon } from "./helpers/start-axon.js";

// One agent per pydantic-ai output mode (examples/agents/output_modes.py), each in a real worker.
const PARIS = { city: "Paris", country: "France", population: 2_102_650 };
const LYON = { ...PARIS, city: "Lyon", population: 522_250 };
const CITY = { title: "City", type: "object" };

interface Mode {
  agent: string;
  /** Part of the output schema Describe reports, or the titles of a union's members. */
  schema: Record<string, unknown> | { members: string[] };
  output: unknown;
  /** Whether a streamed run has output-deltas (output functions and text outputs have none). */
  streamsOutput: boolean;
}

const MODES: Mode[] = [
  { agent: "plain", schema: CITY, output: PARIS, streamsOutput: true },
  { agent: "union", schema: { members: ["City", "Country"] }, output: PARIS, streamsOutput: true },
  { agent: "listed", schema: { type: "array" }, output: [PARIS, LYON], streamsOutput: true },
  { agent: "tool_output", schema: CITY, output: PARIS, streamsOutput: true },
  { agent: "native", schema: CITY, output: PARIS, streamsOutput: true },
  { agent: "native_union", schema: { members: ["City", "Country"] }, output: PARIS, streamsOutput: true },
  { agent: "prompted", schema: CITY, output: PARIS, streamsOutput: true },
  { agent: "text_output", schema: CITY, output: PARIS, streamsOutput: false },
  { agent: "function", schema: CITY, output: PARIS, streamsOutput: false },
  {
    agent: "optional",
    schema: { anyOf: [{ type: "string" }, { type: "null" }] },
    output: "Paris",
    streamsOutput: false,
  },
];

const agents = Object.fromEntries(
  [...MODES.map((mode) => mode.agent), "deferred", "instructions_only"].map((name) => [
    name,
    { module: `examples.agents.output_modes:${name}` },
  ]),
);

function memberTitles(schema: { anyOf?: { title?: string; $ref?: string }[]; $defs?: object }): string[] {
  const defs = (schema.$defs ?? {}) as Record<string, { title?: string }>;
  return (schema.anyOf ?? []).map(
    (m) => (m.$ref ? defs[m.$ref.split("/").pop() ?? ""]?.title : m.title) ?? "",
  );
}

async function collect(stream: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const partials = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === "output-delta" ? [event.partial] : []));

describe("every pydantic-ai output mode", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon(
      {
        ...agents,
        // Its output function returns a sqlite3.Connection: pydantic has no schema for it.
        db: { module: "undescribable:agent" },
      },
      { python: { cwd: repoRoot, env: { PYTHONPATH: join(repoRoot, "python/tests/fixtures") } } },
    );
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it.each(MODES)("$agent: Describe reports its output schema", async (mode) => {
    const info = (await axon.agents()).find((agent) => agent.name === mode.agent);
    expect(info?.outputKind).toBe("structured");
    const schema = info?.outputSchema as Record<string, unknown>;
    if ("members" in mode.schema) expect(memberTitles(schema)).toEqual(mode.schema.members);
    else expect(schema).toMatchObject(mode.schema);
  });

  it.each(MODES)("$agent: a run answers its output", async (mode) => {
    expect((await axon.run(mode.agent, "Paris")).output).toEqual(mode.output);
  });

  it.each(MODES)("$agent: a streamed run streams its partial output, then the result", async (mode) => {
    const events = await collect(axon.stream(mode.agent, "Paris"));
    const last = events.at(-1);
    expect(last?.type === "result" && last.result.output).toEqual(mode.output);
    const seen = partials(events);
    if (!mode.streamsOutput) return expect(seen).toEqual([]);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toEqual(mode.output);
    expect(seen[0]).not.toEqual(mode.output);
  });

  it("streams NativeOutput's text as output-deltas only, not as text", async () => {
    const events = await collect(axon.stream("native", "Paris"));
    expect(events.some((event) => event.type === "text-delta")).toBe(false);
  });

  it("answers the other member of a union as itself", async () => {
    const france = { country: "France", capital: "Paris" };
    expect((await axon.run("native_union", "the country")).output).toEqual(france);
    expect(partials(await collect(axon.stream("union", "the country"))).at(-1)).toEqual(france);
  });

  it("describes an agent with DeferredToolRequests in its output type by its other output", async () => {
    const info = (await axon.agents()).find((agent) => agent.name === "deferred");
    expect(info?.outputSchema).toMatchObject(CITY);
  });

  it("describes an agent with only instructions by their first line", async () => {
    const info = (await axon.agents()).find((agent) => agent.name === "instructions_only");
    expect(info?.description).toBe("Answers questions about cities.");
    expect(info?.outputKind).toBe("text");
  });

  it("serves an agent whose output pydantic cannot describe, with the reason in its schema", async () => {
    const info = (await axon.agents()).find((agent) => agent.name === "db");
    expect(axon.status().find((s) => s.agent === "db")?.state).toBe("ready");
    expect(info?.outputSchema).toHaveProperty("description");
    expect((info?.outputSchema as { description?: string } | undefined)?.description).toMatch(
      /cannot describe the output of agent 'db': PydanticSchemaGenerationError/,
    );
  });
});

describe("a handshake that fails", () => {
  it("names the worker's error, not the SIGKILL the host sent after it", () => {
    const error = startError({
      id: "db-0",
      python: "/usr/bin/python3",
      agent: "db",
      module: "undescribable:agent",
      listen: "unix:/x.sock",
      cwd: repoRoot,
      env: {},
      cause: Object.assign(new Error("2 UNKNOWN: Unexpected <class 'TypeError'>: boom"), {
        code: 2,
        details: "Unexpected <class 'TypeError'>: boom",
      }),
      exit: { exitCode: null, signal: "SIGKILL" },
      stderr: "",
    });
    expect(error.message).toContain(
      "its handshake (health check, Describe) failed: Unexpected <class 'TypeError'>: boom",
    );
    expect(error.message).not.toContain("signal SIGKILL");
    expect(error.hint).toContain("Python traceback");
  });
});

const latest = join(repoRoot, "python/.venv-latest");

describe("a worker in a user's environment", () => {
  // python/.venv-latest (scripts/python-latest.mjs): the newest versions, with httpx and the providers' SDKs.
  it.skipIf(!existsSync(join(latest, "bin/python")))(
    "boots and runs in a venv with httpx installed",
    async () => {
      const axon = await startAxon(
        { echo: { module: "examples.agents.echo:agent" } },
        {
          python: { cwd: repoRoot, venv: latest },
        },
      );
      try {
        const result = await axon.run("echo", "hi", { modelSettings: { timeout: 5 } });
        expect(result.output).toBe("hi");
      } finally {
        await axon.close();
      }
    },
    STARTUP_TIMEOUT_MS,
  );
});
