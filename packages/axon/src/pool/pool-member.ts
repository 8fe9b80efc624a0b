import type { AgentServiceClient } from "../gen/axon/v1/agent_service.js";

/** How a member's process ended, when it is a local child. */
export interface MemberExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One endpoint that serves an agent's runs. The router knows nothing of processes: a local
 * worker spawned by the supervisor and (later) a remote endpoint look the same to it.
 */
export interface PoolMember {
  /** Unique within the pool, e.g. `echo-0`. */
  readonly id: string;
  readonly client: AgentServiceClient;
  /** Resolves when the member is gone for good (a local worker exited). Remote members: never. */
  readonly gone: Promise<MemberExit>;
}

/** A slot on a member, held for the length of one run. */
export interface Lease {
  readonly member: PoolMember;
  /** Gives the slot back; idempotent, so a cancel and the call's end can both call it. */
  release(): void;
}
