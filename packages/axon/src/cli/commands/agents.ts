import type { AgentInfo } from "../../agent-info.js";
import { withCliAxon } from "../cli-axon.js";
import { type CliIo, writeLine } from "../io.js";
import { rowsOfAgent } from "../only-agent.js";
import { COMMON_OPTIONS, parseCommand, REMOTE_OPTIONS } from "../parse.js";

const OPTIONS = { ...COMMON_OPTIONS, ...REMOTE_OPTIONS, json: { type: "boolean", default: false } } as const;

/**
 * `axon agents [agent]`: each agent (or the one named) with its model, output schema and
 * tools. Booting only the named agent's workers; asking a running `axon serve` with --url.
 */
export async function agentsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, ["agent?"]);
  const [only] = positionals;
  const all = await withCliAxon(values, io, only, (axon) => axon.agents());
  const agents = rowsOfAgent(all, (agent) => agent.name, only);
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
