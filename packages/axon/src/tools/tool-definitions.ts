import type { ToolDefinition } from "../gen/axon/v1/run.js";
import { parametersJsonSchema, type ToolSet } from "./tool.js";

/** The host tools as sent with every round trip of a run (`RunRequest.host_tools`). */
export function toToolDefinitions(tools: ToolSet): ToolDefinition[] {
  return Object.entries(tools).map(([name, t]) => ({
    name,
    description: t.description ?? "",
    parametersJsonSchema: Buffer.from(JSON.stringify(parametersJsonSchema(t))),
    requiresApproval: t.needsApproval === true,
  }));
}

/** The agent's tools from the config, then the run's own (a run's tool replaces one of the same name). */
export function mergeToolSets(...sets: (ToolSet | undefined)[]): ToolSet | undefined {
  const merged: ToolSet = Object.assign({}, ...sets.filter(Boolean));
  return Object.keys(merged).length > 0 ? merged : undefined;
}
