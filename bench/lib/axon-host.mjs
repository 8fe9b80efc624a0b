// Starting Axon the way a user does (`createAxon` from the built package), with the bench's agent.
import { createAxon } from "axon-agents";
import { AGENT_SPEC } from "./params.mjs";
import { repoRoot } from "./python.mjs";

/**
 * createAxon with one agent `echo` (AGENT_SPEC); `agent` merges into its config (instances...),
 * `python` into its python section (`fork: false` spawns every worker instead of forking it),
 * `top` into the config itself (`localTransport: "grpc"`).
 */
export function startAxon(agent = {}, python = {}, top = {}) {
  return createAxon({
    ...top,
    python: { cwd: repoRoot, ...python },
    agents: { echo: { module: AGENT_SPEC, ...agent } },
  });
}

/** Consumes one axon.stream to its end: the events (every kind, `result` included) and the time to the first. */
export async function drainStream(stream) {
  const t0 = performance.now();
  let items = 0;
  let firstMs;
  for await (const _event of stream) {
    if (items++ === 0) firstMs = performance.now() - t0;
  }
  return { items, firstMs };
}
