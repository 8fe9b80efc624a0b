import type { AgentDescription, Versions } from "./gen/axon/v1/describe.js";
import { parametersJsonSchema, type ToolSet } from "./tools/tool.js";
import { parseJsonBytes } from "./transport/map-run-event.js";

/** An agent as its worker describes it (`Describe`), plus how many instances serve it. */
export interface AgentInfo {
  name: string;
  description: string;
  /** The model runs use when they name none. */
  model: string;
  outputKind: "text" | "structured";
  /** JSON Schema of the output (`{"type":"string"}` for text). */
  outputSchema: unknown;
  /** The agent's own (Python) tools. */
  tools: { name: string; description: string; parameters: unknown }[];
  /** Tools written in TypeScript that the config gives every run of this agent (a run may add more). */
  hostTools: { name: string; description: string; parameters: unknown; needsApproval: boolean }[];
  /** JSON Schema of the deps, when the agent declares a pydantic deps type. */
  depsSchema: unknown;
  instances: number;
  versions: { python: string; pydanticAi: string; axonWorker: string; grpc: string };
}

export function toAgentInfo(
  description: AgentDescription,
  versions: Versions | undefined,
  instances: number,
  hostTools: ToolSet = {},
): AgentInfo {
  return {
    name: description.name,
    description: description.description,
    model: description.defaultModel,
    outputKind: description.outputKind === "structured" ? "structured" : "text",
    outputSchema: parseJsonBytes(description.outputJsonSchema, null),
    tools: description.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      parameters: parseJsonBytes(tool.parametersJsonSchema, null),
    })),
    hostTools: Object.entries(hostTools).map(([name, tool]) => ({
      name,
      description: tool.description ?? "",
      parameters: parametersJsonSchema(tool),
      needsApproval: tool.needsApproval === true,
    })),
    depsSchema: parseJsonBytes(description.depsJsonSchema, null),
    instances,
    versions: {
      python: versions?.python ?? "",
      pydanticAi: versions?.pydanticAi ?? "",
      axonWorker: versions?.axonWorker ?? "",
      grpc: versions?.grpc ?? "",
    },
  };
}
