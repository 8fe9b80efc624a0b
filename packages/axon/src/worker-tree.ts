import { join, resolve } from "node:path";
import type { Logger } from "pino";
import type { AxonEventEmitter } from "./axon-events.js";
import type { AgentConfig, AxonConfig } from "./config/config-schema.js";
import { findConfiguredPython } from "./config/find-python.js";
import type { DescribeResponse } from "./gen/axon/v1/describe.js";
import { type AgentPool, createAgentPool } from "./pool/agent-pool.js";
import { createRemoteMembers, type RemoteMembers } from "./pool/remote-members.js";
import { createStandby, type Standby } from "./supervisor/standby.js";
import { createSupervisor, type Supervisor } from "./supervisor/supervisor.js";
import { createWorkerChild, type WorkerChild } from "./supervisor/worker-child.js";
import { createFrameEndpoint } from "./transport/frame-endpoint.js";
import { createGrpcEndpoint } from "./transport/grpc-endpoint.js";
import type { WorkerLauncher } from "./worker/launched-worker.js";
import { createSocketDir, type SocketDir } from "./worker/socket-dir.js";
import { spawnLauncher, type WorkerCommand } from "./worker/spawn-worker.js";
import { createTemplateLauncher } from "./worker/template-launcher.js";

/**
 * The supervised processes and the pools that route to them, wired together: the supervisor
 * reports workers going up and down, the pools turn that into members. Neither knows the other.
 */
export interface WorkerTree {
  supervisor: Supervisor;
  /** By agent, in config order. */
  pools: Map<string, AgentPool>;
  /** The latest `Describe` answer per agent (from the handshake of its newest worker). */
  describes: Map<string, DescribeResponse>;
  socketDir: SocketDir;
  /** Starts the local workers: forked from a template per Python environment, or spawned. Closed after the supervisor stopped. */
  launcher: WorkerLauncher;
  /** Each agent's remote workers, for the agents that have `remote` (docs/scale-out.md). */
  remotes: Map<string, RemoteMembers>;
  poolOf(agent: string): AgentPool;
  /** For live config changes (docs/dev.md): the worker command of an agent, without its socket. */
  commandOf(agent: string, agentConfig: AgentConfig): Omit<WorkerCommand, "listen">;
  /** How many local workers the config asks of an agent (0 when only remote ones serve it). */
  localInstances(agentConfig: AgentConfig): number;
  /** New children of `agent`, instances `from` up to `to` (not started). */
  childrenFor(agent: string, agentConfig: AgentConfig, from: number, to: number): WorkerChild[];
  standbyFor(agent: string, agentConfig: AgentConfig): Standby | undefined;
  addPool(agent: string, agentConfig: AgentConfig): AgentPool;
}

export function createWorkerTree(config: AxonConfig, logger: Logger, events: AxonEventEmitter): WorkerTree {
  const python = findConfiguredPython(config.python).executable;
  const socketDir = createSocketDir();
  // fork() without exec is a Linux promise here: macOS' system frameworks are not fork-safe.
  const launcher =
    config.python.fork && process.platform === "linux"
      ? createTemplateLauncher({ acceptPath: (n) => join(socketDir.path, `template-${n}.fork`), logger })
      : spawnLauncher;
  const pools = new Map<string, AgentPool>();
  const describes = new Map<string, DescribeResponse>();
  const children: WorkerChild[] = [];
  const standbys: Standby[] = [];
  /** The worker command of `agent` (the socket aside), from its config: also for a live config change. */
  const commandOf = (agent: string, agentConfig: AgentConfig) => {
    // A spec file is relative to the config file, as every path in it; the worker gets it absolute.
    const { module, spec, deps, lifespan, model } = agentConfig;
    return {
      python,
      agent,
      module,
      spec: typeof spec === "string" ? resolve(config.baseDir, spec) : spec,
      deps,
      lifespan,
      cwd: config.python.cwd,
      env: { ...config.python.env, ...agentConfig.env },
      model,
      maxMessageBytes: config.maxMessageBytes,
      transport: config.localTransport,
    };
  };
  // An agent served only by remote workers spawns nothing here.
  const localInstances = (agentConfig: AgentConfig) =>
    agentConfig.module !== undefined || agentConfig.spec !== undefined ? agentConfig.instances : 0;
  const childrenFor = (agent: string, agentConfig: AgentConfig, from: number, to: number) => {
    const made: WorkerChild[] = [];
    for (let instance = from; instance < to; instance++) {
      const listen = `unix:${socketDir.socketPath(agent, instance)}`;
      made.push(
        createWorkerChild(agent, instance, agentConfig, { ...commandOf(agent, agentConfig), listen }),
      );
    }
    return made;
  };
  const standbyFor = (agent: string, agentConfig: AgentConfig): Standby | undefined => {
    if (agentConfig.standby === 0 || localInstances(agentConfig) === 0) return undefined;
    let boots = 0;
    return createStandby({
      agent,
      count: agentConfig.standby,
      firstInstance: agentConfig.instances,
      // A new socket per boot: a promoted spare keeps serving on the one it booted with.
      command: () => ({
        ...commandOf(agent, agentConfig),
        listen: `unix:${socketDir.socketPath(`${agent}-standby`, boots++)}`,
      }),
      startTimeoutMs: config.startTimeoutMs,
      healthCheck: config.supervisor.healthCheck,
      backoff: config.supervisor.backoff,
      launcher,
      logger,
      events,
    });
  };
  const addPool = (agent: string, agentConfig: AgentConfig) => {
    const pool = createAgentPool({ agent, ...agentConfig });
    pools.set(agent, pool);
    return pool;
  };
  for (const [agent, agentConfig] of Object.entries(config.agents)) {
    addPool(agent, agentConfig);
    children.push(...childrenFor(agent, agentConfig, 0, localInstances(agentConfig)));
    const standby = standbyFor(agent, agentConfig);
    if (standby) standbys.push(standby);
  }
  const poolOf = (agent: string) => pools.get(agent) as AgentPool;
  const supervisor = createSupervisor({
    children,
    standbys,
    config: config.supervisor,
    startTimeoutMs: config.startTimeoutMs,
    reloadDrainMs: config.shutdownGraceMs,
    launcher,
    // Each later boot of a slot gets a socket of its own: a reload's old worker still listens on its.
    listenAt: (child, boot) =>
      boot === 0
        ? child.command.listen
        : `unix:${socketDir.socketPath(`${child.agent}.r${boot}`, child.instance)}`,
    logger,
    events,
    hooks: {
      workerUp(child, worker, ready) {
        describes.set(child.agent, ready.describe);
        const endpoint =
          ready.client.transport === "frames"
            ? createFrameEndpoint({
                id: child.memberId,
                client: ready.client,
                gone: worker.exited,
                maxMessageBytes: config.maxMessageBytes,
              })
            : createGrpcEndpoint({
                id: child.memberId,
                client: ready.client,
                kind: "local",
                gone: worker.exited,
                maxMessageBytes: config.maxMessageBytes,
              });
        poolOf(child.agent).add({ id: child.memberId, endpoint });
      },
      workerDown: (child) => poolOf(child.agent).remove(child.memberId),
      memberDraining: (agent, memberId) => poolOf(agent).setHealthy(memberId, false),
      memberInFlight: (agent, memberId) => poolOf(agent).inFlight(memberId),
      memberDown: (agent, memberId) => poolOf(agent).remove(memberId),
      agentAvailability: (agent, reason) =>
        poolOf(agent).setAvailability(reason === undefined ? { state: "up" } : { state: "down", reason }),
    },
  });
  const remotes = new Map<string, RemoteMembers>();
  for (const [agent, agentConfig] of Object.entries(config.agents)) {
    const remote = agentConfig.remote;
    if (!remote) continue;
    const members = withCleanup(socketDir, () =>
      createRemoteMembers({
        agent,
        remote,
        pool: poolOf(agent),
        healthCheck: config.supervisor.healthCheck,
        maxMessageBytes: config.maxMessageBytes,
        logger,
        // A local worker's handshake is the fresher source; a remote-only agent has only these.
        onDescribe: (describe) => {
          if (!describes.has(agent)) describes.set(agent, describe);
        },
      }),
    );
    remotes.set(agent, members);
  }
  return {
    supervisor,
    pools,
    describes,
    socketDir,
    launcher,
    remotes,
    poolOf,
    commandOf,
    localInstances,
    childrenFor,
    standbyFor,
    addPool,
  };
}

/** A remote pool's token or TLS files may be missing: the socket directory made so far goes too. */
function withCleanup<T>(socketDir: SocketDir, make: () => T): T {
  try {
    return make();
  } catch (error) {
    socketDir.remove();
    throw error;
  }
}
