import { z } from "zod";
import { delayMs, positiveDelayMs } from "../config/delay-ms.js";
import { InvalidRequestError } from "../errors/worker-errors.js";
import type { Approvals } from "../tools/approvals.js";
import type { ToolSet } from "../tools/tool.js";
import { toolSetSchema } from "../tools/tool-set-schema.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json-depth.js";

const limit = z.number().int().nonnegative().optional();

/**
 * The run options a JSON body can carry, as zod schemas: the HTTP gateway validates its request
 * bodies with these same schemas (adding descriptions for its OpenAPI document).
 */
const shallowEnough = <T extends z.ZodType>(schema: T) =>
  schema.refine((value) => !nestsDeeperThan(value), `nests deeper than ${MAX_JSON_DEPTH} levels`);

export const jsonRunOptionsShape = {
  modelSettings: shallowEnough(z.record(z.string(), z.unknown())).optional(),
  model: z.string().min(1).optional(),
  deps: shallowEnough(z.unknown()).optional(),
  usageLimits: z
    .strictObject({
      requestLimit: limit,
      toolCallsLimit: limit,
      inputTokensLimit: limit,
      outputTokensLimit: limit,
      totalTokensLimit: limit,
    })
    .optional(),
  timeoutMs: positiveDelayMs().optional(),
  metadata: shallowEnough(z.record(z.string(), z.unknown())).optional(),
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(100),
      backoffMs: delayMs().optional(),
    })
    .optional(),
  runId: z
    .string()
    .regex(/^[\w.:-]{1,128}$/, "1-128 letters, digits or `_.:-`")
    .optional(),
  approvals: z
    .record(z.string().min(1), z.union([z.boolean(), z.strictObject({ denied: z.string() })]))
    .optional(),
};

// Checked on the host before anything reaches a worker, so a bad option is a clear error naming
// the option, not a protobuf encoding failure or a confusing Python traceback.
const runOptionsSchema = z.strictObject({
  ...jsonRunOptionsShape,
  messageHistory: shallowEnough(z.array(z.unknown())).optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, "an AbortSignal").optional(),
  tools: toolSetSchema.optional(),
});

/** Options of one run. */
export interface RunOptions {
  /** Earlier messages (pydantic-ai's messages JSON, e.g. a previous result's `allMessages`). Default: none. */
  messageHistory?: unknown[];
  /** pydantic-ai `ModelSettings` (temperature, max_tokens...). Default: the agent's. */
  modelSettings?: Record<string, unknown>;
  /** Model for this run only (e.g. `openai-chat:gpt-4o`). Default: the agent's config `model`, else its own. */
  model?: string;
  /** The agent's deps, as JSON (validated against its `deps_type`). Default: none. */
  deps?: unknown;
  /** pydantic-ai usage limits. Default: none. */
  usageLimits?: {
    requestLimit?: number;
    toolCallsLimit?: number;
    inputTokensLimit?: number;
    outputTokensLimit?: number;
    totalTokensLimit?: number;
  };
  /** Aborting it cancels the run (queued or on the worker) with `CancelledError`. Default: none. */
  signal?: AbortSignal;
  /** Deadline of the whole run, queueing and retries included. Default: the agent's `timeoutMs`, else none. */
  timeoutMs?: number;
  /** Run metadata (JSON object); `traceparent` in it is sent as W3C trace context. Default: none. */
  metadata?: Record<string, unknown>;
  /** Retries on retryable errors: `attempts` tries in total, waiting `backoffMs` doubling. Default: 1 attempt; backoffMs 100. */
  retry?: { attempts: number; backoffMs?: number };
  /** The run's id (for `cancel(runId)` and logs). Default: a random UUID. */
  runId?: string;
  /** Host tools for this run, added to the agent's configured `tools` (same name: this one wins). Default: none. */
  tools?: ToolSet;
  /**
   * Decisions on a previous result's `pendingApprovals`, by tool call id: `true` runs the call,
   * `false` or `{ denied: reason }` refuses it. Give the previous `allMessages` as `messageHistory`. Default: none.
   */
  approvals?: Approvals;
}

/** Validates run options; throws `InvalidRequestError` naming the bad option. */
export function parseRunOptions(options: unknown, agent: string): RunOptions {
  const parsed = runOptionsSchema.safeParse(options ?? {});
  if (parsed.success) return parsed.data as RunOptions;
  const [issue] = parsed.error.issues;
  const field = issue?.path.map(String).join(".") ?? "";
  return throwInvalid(agent, field, issue?.message ?? parsed.error.message);
}

function throwInvalid(agent: string, field: string, reason: string): never {
  const message = field ? `invalid run option \`${field}\`: ${reason}` : `invalid run options: ${reason}`;
  throw new InvalidRequestError({ message, agent, field: field || undefined });
}
