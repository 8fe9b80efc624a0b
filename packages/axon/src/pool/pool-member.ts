import type { EndpointExit, WorkerEndpoint } from "../transport/worker-endpoint.js";

/** How a member's process ended, when it is a local child. */
export type MemberExit = EndpointExit;

/**
 * One endpoint that serves an agent's runs. The router knows nothing of processes or gRPC: a
 * local worker spawned by the supervisor and a remote one behind a DNS name look the same to it.
 */
export interface PoolMember {
  /** Unique within the pool, e.g. `echo-0`. */
  readonly id: string;
  readonly endpoint: WorkerEndpoint;
}

/** A slot on a member, held for the length of one run. */
export interface Lease {
  readonly member: PoolMember;
  /** Gives the slot back; idempotent, so a cancel and the call's end can both call it. */
  release(): void;
}
