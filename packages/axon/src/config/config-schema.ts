import { z } from "zod";
import { runsSchema } from "../runs/runs-schema.js";
import { DEFAULT_STORAGE_DIR, storageSchema } from "../storage/storage-schema.js";
import { toolSetSchema } from "../tools/tool-set-schema.js";
import { delayMs, positiveDelayMs } from "./delay-ms.js";
import { argString, envRecord } from "./process-strings.js";
import { remoteSchema } from "./remote-schema.js";

// The configuration's one source of truth: the zod schema below gives both the validation and
// the types (`AxonConfigInput` as written by users, `AxonConfig` with every default filled in).

const envSchema = envRecord;
const positiveInt = z.number().int().positive();
// A worker's Describe answer (every agent's schemas) and an error's trailer must still fit.
const MIN_MESSAGE_BYTES = 64 * 1024;

const pythonSchema = z.strictObject({
  /** Path of the Python executable. Default: AXON_PYTHON, PYTHON_EXEC, the project venv, then `python3`. */
  executable: argString.optional(),
  /** A virtualenv directory whose `bin/python` is used. Default: none (see `executable`). */
  venv: argString.optional(),
  /** Working directory of the workers (where `module` paths import from). Default: the config file's directory. */
  cwd: argString.optional(),
  /** Extra environment variables for every worker. Default: `{}` (the host's environment is inherited). */
  env: envSchema.default({}),
  /** Start workers by forking a template process that has pydantic-ai and the agent imported (a few tens of ms instead of ~0.5 s, memory shared); spawned instead where fork is unsafe (a module that starts threads at import) or off. Linux only. Default: true. */
  fork: z.boolean().default(true),
});

const importSpec = (example: string) =>
  z.string().regex(/^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/, `a spec like \`package.module:${example}\``);

const agentFields = z.strictObject({
  /** The pydantic-ai agent to host, as `package.module:attribute`. Exactly one of `module` / `spec`. */
  module: importSpec("agent").optional(),
  /** A pydantic-ai Agent Spec instead of Python code: a YAML/JSON file (relative to the config file) or the spec object itself. Exactly one of `module` / `spec`. */
  spec: z.union([argString, z.record(z.string(), z.unknown())]).optional(),
  /** A deps factory, `package.module:make_deps`, called per run with the caller's `deps` (validated against its first parameter's type) and the lifespan's resources; or a class with `__aenter__` and `__call__` that is both (docs/agents.md). Default: none (the caller's `deps` are validated against the agent's `deps_type`). */
  deps: importSpec("make_deps").optional(),
  /** An async lifespan, `package.module:lifespan` (an `@asynccontextmanager` function), entered once per worker before it serves and exited after it drains; what it yields goes to `deps`, or is every run's deps without one. Default: none. */
  lifespan: importSpec("lifespan").optional(),
  /** How many worker processes serve this agent. Default: 1. */
  instances: positiveInt.max(64).default(1),
  /** Warm spare workers: booted and health-checked but out of the pool, one takes a crashed worker's place at once. Default: 0. */
  standby: z.number().int().nonnegative().max(4).default(0),
  /** Runs one worker serves at once; more wait in the queue. Default: 64. */
  maxConcurrency: positiveInt.default(64),
  /** Runs that may wait for a free slot before new ones get `OverloadedError`. Default: 1000. */
  maxQueue: z.number().int().nonnegative().default(1000),
  /** Model for this agent's runs (a pydantic-ai model string such as `openai-chat:gpt-4o`). Default: the agent's own. */
  model: argString.optional(),
  /** Extra environment variables for this agent's workers. Default: `{}`. */
  env: envSchema.default({}),
  /** When to restart a worker that exited: always, only after a crash, or never. Default: `permanent`. */
  restart: z.enum(["permanent", "transient", "temporary"]).default("permanent"),
  /** Deadline of a run (queue time included) when the run sets none. Default: none. */
  timeoutMs: positiveDelayMs().int().optional(),
  /** Host tools (made with `tool()`) every run of this agent can call; a run's `tools` add to them. Default: none. */
  tools: toolSetSchema.optional(),
  /** Workers on other machines that serve this agent beside (or instead of) local ones (docs/scale-out.md). Default: none. */
  remote: remoteSchema.optional(),
});

// Either Python code or an Agent Spec, never both: a worker loads one or the other. An agent
// served only by remote workers has neither: nothing is spawned for it here.
const agentSchema = agentFields.refine(
  (agent) =>
    agent.module !== undefined && agent.spec !== undefined
      ? false
      : agent.module !== undefined || agent.spec !== undefined || agent.remote !== undefined,
  {
    message: "exactly one of `module` (a Python agent) or `spec` (an Agent Spec), or only `remote` workers",
  },
);

const backoffSchema = z.strictObject({
  /** Delay before the first retry of a failed agent. Default: 1000 ms. */
  initialMs: delayMs().default(1000),
  /** Cap of the exponential delay. Default: 30000 ms. */
  maxMs: delayMs().default(30_000),
  /** Random share of each delay (0 = none, 0.2 = up to ±20 %). Default: 0.2. */
  jitter: z.number().min(0).max(1).default(0.2),
});

const healthCheckSchema = z.strictObject({
  /** Time between two `grpc.health.v1` checks of a ready worker; 0 turns them off. Default: 5000 ms. */
  intervalMs: delayMs().default(5000),
  /** How long one check may take. Default: 5000 ms. */
  timeoutMs: positiveDelayMs().int().default(5000),
  /** Failed checks in a row after which the worker counts as hung and is killed. Default: 3. */
  failures: positiveInt.default(3),
});

const supervisorSchema = z.strictObject({
  /** Which siblings restart when a worker exits. Default: `one_for_one`. */
  strategy: z.enum(["one_for_one", "one_for_all", "rest_for_one"]).default("one_for_one"),
  /** Restarts of one agent allowed within `withinMs` before it is marked `failed`. Default: 3. */
  maxRestarts: z.number().int().nonnegative().default(3),
  /** The window of `maxRestarts`. Default: 5000 ms. */
  withinMs: positiveDelayMs().int().default(5000),
  /** Delays between attempts to bring a `failed` agent back. Default: 1 s doubling up to 30 s, 20 % jitter. */
  backoff: backoffSchema.default({ initialMs: 1000, maxMs: 30_000, jitter: 0.2 }),
  /** Uptime after which a restarted agent counts as stable and its backoff resets. Default: 30000 ms. */
  stableAfterMs: delayMs().default(30_000),
  /** Liveness checks of ready workers; a hung worker is killed and restarted. Default: every 5 s, 5 s timeout, 3 failures. */
  healthCheck: healthCheckSchema.default({ intervalMs: 5000, timeoutMs: 5000, failures: 3 }),
});

export const configSchema = z.strictObject({
  /** How to run Python. Default: `{}`. */
  python: pythonSchema.default({ env: {}, fork: true }),
  /** The agents to host, by name. Required, at least one. */
  agents: z
    .record(z.string().regex(/^[A-Za-z0-9_-]+$/, "a name of letters, digits, `_` or `-`"), agentSchema)
    .refine((agents) => Object.keys(agents).length > 0, "at least one agent"),
  /** Restart policy of the worker tree. Default: `one_for_one`, 3 restarts in 5 s. */
  supervisor: supervisorSchema.default(supervisorSchema.parse({})),
  /** How long a worker may take to become ready. Default: 30000 ms. */
  startTimeoutMs: positiveDelayMs().int().default(30_000),
  /** After `close()` or SIGTERM/SIGINT to `axon serve`, how long runs in flight may finish before the rest are cut with `ShuttingDownError`. Default: 30000 ms (as Kubernetes' terminationGracePeriodSeconds). */
  shutdownGraceMs: delayMs().default(30_000),
  /** Largest gRPC message between host and workers, each way (a run's request with its history, or its answer); a larger request is `invalid_request` before it is sent. Default: 67108864 (64 MiB). */
  maxMessageBytes: z
    .number()
    .int()
    .min(MIN_MESSAGE_BYTES)
    // gRPC takes the limit as a C int (`grpc.max_receive_message_length`).
    .max(2_147_483_647)
    .default(64 * 1024 * 1024),
  /** How the host talks to its local workers: `frames` (protobuf messages in length-prefixed frames on a Unix socket, read on the worker's event loop; docs/worker-protocol.md, "Local frames") or `grpc` (as remote workers always are). Default: `frames`. */
  localTransport: z.enum(["frames", "grpc"]).default("frames"),
  /** Most tries of one run, whatever its `retry.attempts` asks (a larger request is capped to it). Default: 5. */
  maxRetryAttempts: z.number().int().min(1).max(100).default(5),
  /** Where threads and their runs are kept (docs/threads.md): `{ url: "postgres://..." }`, else the embedded database in `dir`. Default: `{ dir: ".axon/db" }` (under the config's directory). */
  storage: storageSchema.default({ dir: DEFAULT_STORAGE_DIR }),
  /** Background runs, their signed webhooks, and the retention of run events (docs/threads.md). Default: `{}`. */
  runs: runsSchema.default(runsSchema.parse({})),
});

/** The configuration as written in `axon.config.ts` (defaults may be left out). */
export type AxonConfigInput = z.input<typeof configSchema>;
/** The configuration with every default filled in and paths resolved. */
export type AxonConfig = Omit<z.output<typeof configSchema>, "python"> & {
  /** As configured, with `cwd` resolved (default: the config file's directory). */
  python: z.output<typeof pythonSchema> & { cwd: string };
  /** Directory the config was loaded from (relative paths resolve against it). */
  baseDir: string;
};
export type AgentConfig = AxonConfig["agents"][string];
export type SupervisorConfig = AxonConfig["supervisor"];
export type BackoffConfig = SupervisorConfig["backoff"];
export type RestartType = AgentConfig["restart"];
export type SupervisorStrategy = SupervisorConfig["strategy"];
