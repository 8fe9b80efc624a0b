import { describe, expect, it } from "vitest";
import type { AgentInfo } from "../../src/agent-info.js";
import { generateAgentTypes } from "../../src/types-gen/generate-agent-types.js";

const cityInfo = {
  properties: {
    city: { title: "City", type: "string" },
    population: { title: "Population", type: "integer" },
  },
  required: ["city", "population"],
  title: "CityInfo",
  type: "object",
};

// What pydantic emits for `list[City]`: the model in `$defs`, referenced from the root.
const cities = {
  $defs: {
    City: {
      properties: { name: { title: "Name", type: "string" }, title: { title: "Title", type: "string" } },
      required: ["name"],
      title: "City",
      type: "object",
    },
  },
  items: { $ref: "#/$defs/City" },
  type: "array",
};

function agent(name: string, outputSchema: unknown, depsSchema: unknown = null): AgentInfo {
  return {
    name,
    description: `The ${name} agent.`,
    model: "test",
    outputKind: "structured",
    outputSchema,
    tools: [],
    hostTools: [],
    depsSchema,
    instances: 1,
    versions: { python: "", pydanticAi: "", axonWorker: "", grpc: "" },
  };
}

describe("generateAgentTypes", () => {
  it("writes the same text for the same agents, whatever their order", async () => {
    const agents = [agent("structured", cityInfo), agent("echo", { type: "string" })];
    const once = await generateAgentTypes(agents);
    expect(await generateAgentTypes([...agents].reverse())).toBe(once);
    expect(once.indexOf("  echo: {")).toBeLessThan(once.indexOf("  structured: {"));
    expect(once).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it("names an output after its model, else after the agent", async () => {
    const text = await generateAgentTypes([
      agent("structured", cityInfo),
      agent("order-lookup", { type: "string" }),
    ]);
    expect(text).toContain("export interface CityInfo {\n  city: string;\n  population: number;\n}");
    expect(text).toContain("export type OrderLookupOutput = string;");
    expect(text).toMatch(/"order-lookup": \{\n\s+output: OrderLookupOutput;/);
  });

  it("keeps pydantic's field titles out of the type names", async () => {
    const text = await generateAgentTypes([agent("structured", cityInfo)]);
    expect(text).not.toContain("export type City =");
    expect(text).not.toContain("export type Population");
  });

  it("resolves a model in the agent's own $defs, and keeps a field named title", async () => {
    const text = await generateAgentTypes([agent("cities", cities)]);
    expect(text).toContain("export type CitiesOutput = City[];");
    expect(text).toContain("export interface City {\n  name: string;\n  title?: string;\n}");
  });

  it("declares a model two agents return once", async () => {
    const text = await generateAgentTypes([agent("a", cityInfo), agent("b", cityInfo)]);
    expect(text.match(/export interface CityInfo/g)).toHaveLength(1);
    expect(text).not.toContain("CityInfo1");
  });

  it("types deps from the deps schema, and as unknown where the agent reports none", async () => {
    const deps = {
      properties: { customer_id: { type: "integer" } },
      required: ["customer_id"],
      title: "Customer",
      type: "object",
    };
    const text = await generateAgentTypes([
      agent("bank", { type: "string" }, deps),
      agent("echo", { type: "string" }),
    ]);
    expect(text).toMatch(/bank: \{\n\s+output: BankOutput;\n\s+deps: Customer;/);
    expect(text).toMatch(/echo: \{\n\s+output: EchoOutput;\n\s+deps: unknown;/);
    expect(text).toContain("export interface Customer {\n  customer_id: number;\n}");
  });

  it("types a reference to a file or URL as unknown, without reading it", async () => {
    const text = await generateAgentTypes([
      agent("odd", { $ref: "http://127.0.0.1:9/x.json" }, { $ref: "/etc/passwd" }),
    ]);
    expect(text).toMatch(/odd: \{\n\s+output: OddOutput;\n\s+deps: OddDeps;/);
    expect(text).toContain("export type OddOutput = unknown;");
  });
});
