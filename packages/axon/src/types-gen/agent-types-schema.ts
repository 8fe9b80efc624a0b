import type { AgentInfo } from "../agent-info.js";
import { mapSchemas, type Schema } from "./map-schemas.js";

/**
 * One JSON Schema for every agent: an object `AgentTypes` with, per agent (sorted by name), its
 * `output` and `deps` schemas as the workers described them. json-schema-to-typescript compiles it
 * in one pass, so type names never clash (a second, different `City` becomes `City1`).
 */
export function agentTypesSchema(agents: readonly AgentInfo[]): Schema {
  const sorted = [...agents].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const properties: Record<string, Schema> = {};
  // A model several agents use (the same schema, titled) is declared once: later uses refer to
  // the first. Untitled schemas (`string`) keep a name per agent, `EchoOutput`, `ChaosOutput`.
  const seen = new Map<string, string>();
  const shared = (schema: unknown, fallbackTitle: string, at: string) => {
    const titled = typeof schema === "object" && schema !== null && "title" in schema;
    const key = titled ? JSON.stringify(schema) : undefined;
    const first = key === undefined ? undefined : seen.get(key);
    if (first !== undefined) return { $ref: `#${encodeURI(first)}` };
    if (key !== undefined) seen.set(key, at);
    return part(schema, fallbackTitle, at);
  };
  for (const agent of sorted) {
    const at = `/properties/${pointerToken(agent.name)}/properties`;
    properties[agent.name] = {
      type: "object",
      ...(agent.description ? { description: agent.description } : {}),
      properties: {
        output: shared(agent.outputSchema, `${pascal(agent.name)}Output`, `${at}/output`),
        deps: shared(agent.depsSchema, `${pascal(agent.name)}Deps`, `${at}/deps`),
      },
      required: ["output", "deps"],
      additionalProperties: false,
    };
  }
  return {
    title: "AgentTypes",
    description: "Every agent's output and deps types, by agent name: `createAxon<AgentTypes>()`.",
    type: "object",
    properties,
    required: sorted.map((agent) => agent.name),
    additionalProperties: false,
  };
}

// An agent without a schema (no deps declared, or deps made on the worker) takes `unknown`:
// Describe does not say more, and a guess would reject what the worker accepts.
function part(schema: unknown, fallbackTitle: string, at: string): unknown {
  if (schema === null || schema === undefined) return { tsType: "unknown" };
  if (typeof schema !== "object" || Array.isArray(schema)) return schema;
  const rebased = rebaseRefs(withoutInnerTitles(schema as Schema), at);
  // The agent's own model name (`CityInfo`) when it has one, else `<Agent>Output` / `<Agent>Deps`.
  return typeof rebased.title === "string" ? rebased : { ...rebased, title: fallbackTitle };
}

// pydantic titles every field ("population" → "Population"), and json-schema-to-typescript turns
// each title into a type (`export type Population = number`), clashing across models. Only the
// names of models ($defs entries and the schema itself) are worth a type of their own.
function withoutInnerTitles(schema: Schema): Schema {
  return mapSchemas(schema, (node, isDefinition) => {
    if (isDefinition || !("title" in node)) return node;
    const { title: _fieldTitle, ...rest } = node;
    return rest;
  });
}

// The agent's schema now sits at `at` inside the combined one: its local references
// (`#/$defs/City`, pydantic's only kind) must point there, not at the combined root. Any other
// reference (a file, a URL) is typed `unknown`: generating types never reads or fetches anything.
function rebaseRefs(schema: Schema, at: string): Schema {
  return mapSchemas(schema, (node) => {
    if (typeof node.$ref !== "string") return node;
    if (!node.$ref.startsWith("#")) return { tsType: "unknown" };
    return { ...node, $ref: `#${encodeURI(at)}${node.$ref.slice(1)}` };
  });
}

/** RFC 6901: `~` and `/` are escaped inside a JSON Pointer token. */
function pointerToken(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** `order-lookup` → `OrderLookup`, `support_v2` → `SupportV2`. */
function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join("");
}
