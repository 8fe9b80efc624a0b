import type { AxonConfig } from "./config/config-schema.js";
import type { AxonError } from "./errors/axon-error.js";
import type { ConfigChange } from "./live-config.js";
import type { WorkerTree } from "./worker-tree.js";

/** A config change as applied: what changed, and what failed (the rest was applied). */
export interface AppliedConfigChange extends ConfigChange {
  errors: { agent: string; error: AxonError }[];
}

/**
 * Applies the live part of `change` (see `planConfigChange`) to the running tree and to `config`,
 * the running config object (`run()` reads an agent's `timeoutMs` and `tools` from it). An agent
 * whose step fails keeps what it had; the error is reported, the other agents go on.
 */
export async function applyConfigChange(
  tree: WorkerTree,
  config: AxonConfig,
  next: AxonConfig,
  change: ConfigChange,
): Promise<AppliedConfigChange> {
  const { supervisor, pools } = tree;
  const errors: AppliedConfigChange["errors"] = [];
  const attempt = async (agent: string, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      errors.push({ agent, error: error as AxonError });
    }
  };
  const childrenOf = (agent: string) => supervisor.children.filter((child) => child.agent === agent);

  for (const agent of change.removed) {
    await attempt(agent, async () => {
      const pool = tree.poolOf(agent);
      // Queued runs fail now; runs in flight finish before the workers stop.
      pool.setAvailability({ state: "down", reason: "it was removed from the config" });
      tree.remotes.get(agent)?.close();
      tree.remotes.delete(agent);
      await Promise.all([supervisor.removeChildren(childrenOf(agent)), supervisor.removeStandby(agent)]);
      pools.delete(agent);
      tree.describes.delete(agent);
      delete config.agents[agent];
    });
  }

  for (const agent of change.added) {
    const agentConfig = next.agents[agent];
    if (!agentConfig) continue;
    if (agentConfig.remote) change.needsRestart.push(`agents.${agent}.remote`);
    await attempt(agent, async () => {
      tree.addPool(agent, agentConfig);
      const added = tree.childrenFor(agent, agentConfig, 0, tree.localInstances(agentConfig));
      try {
        await supervisor.addChildren(added, tree.standbyFor(agent, agentConfig));
      } catch (error) {
        pools.delete(agent);
        throw error;
      }
      config.agents[agent] = agentConfig;
    });
  }

  const changed = new Set([
    ...change.instances.map((c) => c.agent),
    ...change.concurrency.map((c) => c.agent),
    ...change.reload,
    ...change.settings,
  ]);
  for (const agent of changed) {
    const to = next.agents[agent];
    if (!to) continue;
    await attempt(agent, async () => {
      config.agents[agent] = to;
      // The next boot of each slot (a reload, a restart) starts with the new command and settings.
      for (const child of childrenOf(agent)) {
        child.config = to;
        child.command = { ...tree.commandOf(agent, to), listen: child.command.listen };
      }
      tree.poolOf(agent).setMaxConcurrency(to.maxConcurrency);
      const have = childrenOf(agent).length;
      const want = tree.localInstances(to);
      if (want > have) await supervisor.addChildren(tree.childrenFor(agent, to, have, want));
      if (want < have) {
        await supervisor.removeChildren(childrenOf(agent).filter((child) => child.instance >= want));
      }
      if (change.reload.includes(agent)) await supervisor.reloadAgent(agent);
    });
  }
  return { ...change, errors };
}
