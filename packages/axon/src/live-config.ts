import type { AgentConfig, AxonConfig } from "./config/config-schema.js";

/**
 * What changes between a running config and an edited one, and how each change is applied
 * (`axon dev`, `axon.reconfigure()`; docs/dev.md): live, by a rolling reload, or not until a
 * restart of the process.
 */
export interface ConfigChange {
  /** Agents new in the config: their pools and workers start. */
  added: string[];
  /** Agents gone from the config: their runs in flight finish, then their workers stop. */
  removed: string[];
  /** Agents whose `instances` changed: workers are added, or the last ones drain and stop. */
  instances: { agent: string; from: number; to: number }[];
  /** Agents whose `maxConcurrency` changed: the pool's cap per worker, at once. */
  concurrency: { agent: string; from: number; to: number }[];
  /** Agents whose workers start differently (`module`, `spec`, `deps`, `lifespan`, `env`, `model`): rolled with the new command. */
  reload: string[];
  /** Agents whose `timeoutMs`, `tools` or `restart` changed: used from the next run (or exit) on. */
  settings: string[];
  /** Config paths that only a restart of the process applies, e.g. `python`, `agents.x.standby`. */
  needsRestart: string[];
}

// How each agent field is applied; a field missing here needs a restart (a new field of the
// schema is then safe by default).
const COMMAND_FIELDS = ["module", "spec", "deps", "lifespan", "env", "model"] as const;
const SETTING_FIELDS = ["timeoutMs", "tools", "restart"] as const;
const LIVE_FIELDS = new Set<string>(["instances", "maxConcurrency", ...COMMAND_FIELDS, ...SETTING_FIELDS]);
// Top-level keys that are not the process's: where the config came from.
const IGNORED_TOP = new Set(["agents", "baseDir", "configFile"]);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function planConfigChange(current: AxonConfig, next: AxonConfig): ConfigChange {
  const change: ConfigChange = {
    added: [],
    removed: [],
    instances: [],
    concurrency: [],
    reload: [],
    settings: [],
    needsRestart: [],
  };
  const keys = new Set([...Object.keys(current), ...Object.keys(next)]);
  for (const key of keys) {
    if (IGNORED_TOP.has(key)) continue;
    if (!same(current[key as keyof AxonConfig], next[key as keyof AxonConfig])) change.needsRestart.push(key);
  }
  for (const agent of Object.keys(current.agents)) if (!(agent in next.agents)) change.removed.push(agent);
  for (const [agent, to] of Object.entries(next.agents)) {
    const from = current.agents[agent];
    if (!from) {
      change.added.push(agent);
      continue;
    }
    planAgent(agent, from, to, change);
  }
  return change;
}

function planAgent(agent: string, from: AgentConfig, to: AgentConfig, change: ConfigChange): void {
  if (from.instances !== to.instances)
    change.instances.push({ agent, from: from.instances, to: to.instances });
  if (from.maxConcurrency !== to.maxConcurrency)
    change.concurrency.push({ agent, from: from.maxConcurrency, to: to.maxConcurrency });
  if (COMMAND_FIELDS.some((field) => !same(from[field], to[field]))) change.reload.push(agent);
  if (SETTING_FIELDS.some((field) => !same(from[field], to[field]))) change.settings.push(agent);
  const fields = new Set([...Object.keys(from), ...Object.keys(to)]);
  for (const field of fields) {
    if (LIVE_FIELDS.has(field)) continue;
    if (!same(from[field as keyof AgentConfig], to[field as keyof AgentConfig]))
      change.needsRestart.push(`agents.${agent}.${field}`);
  }
}

/** True when the plan changes nothing at all. */
export function isEmptyChange(change: ConfigChange): boolean {
  return Object.values(change).every((list) => list.length === 0);
}
