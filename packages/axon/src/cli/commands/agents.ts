import type { AgentInfo } from "../../agent-info.js";
import { type CliIo, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";
import { withAxon } from "../start-axon.js";

const OPTIONS = { ...COMMON_OPTIONS, json: { type: "boolean", default: false } } as const;

/** `axon agents`: each agent with its model, output schema and tools. */
export async function agentsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, []);
  const agents = await withAxon(values.config, io, (axon) => axon.agents());
  if (values.json) writeLine(io.stdout, JSON.stringify(agents, null, 2));
  else for (const agent of agents) writeLine(io.stdout, describeAgent(agent));
  return 0;
}

function describeAgent(agent: AgentInfo): string {
  const lines = [
    `${agent.name}  (${agent.instances} instance${agent.instances === 1 ? "" : "s"}, model ${agent.model || "-"})`,
  ];
  if (agent.description) lines.push(`  ${agent.description}`);
  lines.push(`  output: ${agent.outputKind === "text" ? "text" : JSON.stringify(agent.outputSchema)}`);
  for (const tool of agent.tools) {
    lines.push(
      `  tool ${tool.name}: ${JSON.stringify(tool.parameters)}${tool.description ? `  ${tool.description}` : ""}`,
    );
  }
  for (const tool of agent.hostTools) {
    const kind = tool.needsApproval ? "host tool, needs approval" : "host tool";
    lines.push(`  tool ${tool.name} (${kind}): ${JSON.stringify(tool.parameters)}  ${tool.description}`);
  }
  return `${lines.join("\n")}\n`;
}
