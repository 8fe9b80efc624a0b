import type { AgentInfo } from "../agent-info.js";
import type { RunOptions } from "../run/run-options.js";
import type { RunEvent, RunResult } from "../run/run-types.js";
import type { WorkerStatus } from "../worker-status.js";
import { type CliIo, UsageError } from "./io.js";
import { connectRemoteAxon } from "./remote-axon.js";
import { startAxon } from "./start-axon.js";

/** The run options the CLI sets: all of them plain JSON, so they can cross HTTP too. */
export type CliRunOptions = Pick<RunOptions, "model" | "messageHistory" | "timeoutMs" | "deps">;

/**
 * What `run`, `agents` and `status` need of an Axon. A tree started here (`Axon` fits as it
 * is) and a running `axon serve` reached over HTTP (remote-axon.ts) both answer it.
 */
export interface CliAxon {
  run(agent: string, prompt: string, options?: CliRunOptions): Promise<RunResult>;
  stream(agent: string, prompt: string, options?: CliRunOptions): AsyncIterable<RunEvent>;
  agents(): Promise<AgentInfo[]>;
  status(): WorkerStatus[] | Promise<WorkerStatus[]>;
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** The flags that say which Axon a command talks to. */
export interface TargetFlags {
  config?: string;
  url?: string;
  token?: string;
}

/**
 * Runs `body` against the `axon serve` at `--url` (else AXON_URL), or else against a tree
 * started from the config, booting only `only`'s workers when given; closes it afterwards.
 */
export async function withCliAxon<R>(
  flags: TargetFlags,
  io: CliIo,
  only: string | undefined,
  body: (axon: CliAxon) => Promise<R>,
): Promise<R> {
  const url = flags.url ?? (io.env.AXON_URL || undefined);
  if (url !== undefined && flags.config !== undefined) {
    // Either would be a silent surprise: a server ignoring the config, or a local tree ignoring AXON_URL.
    const from = flags.url === undefined ? "AXON_URL" : "--url";
    throw new UsageError(
      `--config starts agents here, ${from} talks to a running axon serve; give one (unset AXON_URL to run locally)`,
    );
  }
  const axon: CliAxon =
    url === undefined
      ? await startAxon(flags.config, io, { only })
      : connectRemoteAxon(url, flags.token ?? (io.env.AXON_TOKEN || undefined));
  try {
    return await body(axon);
  } finally {
    await axon.close({ timeoutMs: 5_000 });
  }
}
