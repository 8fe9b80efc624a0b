import type { AxonConfig } from "../config/config-schema.js";
import { AgentNotFoundError } from "../errors/host-errors.js";

/**
 * The config with `agent` as its only agent, so a command about one agent boots that agent's
 * workers and no others. Checked here, before any worker starts: a typo costs no boot.
 * @throws AgentNotFoundError listing the config's agents.
 */
export function onlyAgent(config: AxonConfig, agent: string): AxonConfig {
  // hasOwn, not `in`: "constructor" is no agent.
  const agentConfig = Object.hasOwn(config.agents, agent) ? config.agents[agent] : undefined;
  if (agentConfig === undefined) throw unknownAgent(agent, Object.keys(config.agents));
  return { ...config, agents: { [agent]: agentConfig } };
}

/** The rows of `agent` (all rows when no agent is named); none is an unknown agent. */
export function rowsOfAgent<T>(rows: T[], agentOf: (row: T) => string, agent: string | undefined): T[] {
  if (agent === undefined) return rows;
  const mine = rows.filter((row) => agentOf(row) === agent);
  if (mine.length === 0) throw unknownAgent(agent, [...new Set(rows.map(agentOf))]);
  return mine;
}

/** The same words as `axon.run` uses for a name the config lacks. */
function unknownAgent(agent: string, knownAgents: string[]): AgentNotFoundError {
  const message = `unknown agent "${agent}"; known agents: ${knownAgents.join(", ")}`;
  return new AgentNotFoundError({ message, agent, knownAgents });
}
