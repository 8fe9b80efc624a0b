// Response shapes, for the OpenAPI document only (responses are built from typed values).
import { z } from "zod";

export const usageSchema = z.object({
  requests: z.number().int(),
  toolCalls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  totalTokens: z.number().int(),
});

export const runResponseSchema = z
  .object({
    output: z.unknown().describe("A string, or the agent's structured output"),
    usage: usageSchema,
    newMessages: z.array(z.unknown()).describe("pydantic-ai messages this run added"),
    allMessages: z.array(z.unknown()).describe("The whole history; pass it back as `messageHistory`"),
    runId: z.string(),
    model: z.string().nullable().optional(),
    traceId: z.string().optional().describe("The run's W3C trace id (docs/observability.md)"),
    traceparent: z
      .string()
      .optional()
      .describe("The run span's `traceparent`: pass it as `metadata.traceparent` to continue in this trace"),
    pendingApprovals: z
      .array(
        z.object({
          toolCallId: z.string(),
          toolName: z.string(),
          args: z.unknown(),
          signature: z
            .string()
            .describe(
              "The server's signature on this call (also stamped on the call in `allMessages`): " +
                "a continuation runs only calls that come back with theirs",
            ),
        }),
      )
      .optional()
      .describe(
        "Present when the run paused on tools that need approval; `output` is then null. Continue " +
          "with `allMessages` unchanged as `messageHistory` and `approvals`",
      ),
  })
  .meta({ id: "RunResult" });

export const errorResponseSchema = z
  .object({
    error: z.looseObject({
      code: z.string().describe("An `AxonErrorCode` (docs/errors.md) or unauthorized / not_found / ..."),
      message: z.string(),
      retryable: z.boolean(),
      field: z.string().optional().describe("Where the bad input was, for `invalid_request`"),
      agent: z.string().optional(),
      runId: z.string().optional(),
    }),
  })
  .meta({ id: "Error" });

export const workerStatusSchema = z
  .looseObject({
    agent: z.string(),
    instance: z.number().int(),
    state: z.enum(["starting", "ready", "restarting", "failed", "stopped", "standby"]),
    pid: z.number().int().nullable().optional(),
    inFlight: z.number().int(),
    queued: z.number().int(),
    restarts: z.number().int(),
    uptimeMs: z.number(),
  })
  .meta({ id: "WorkerStatus" });

export const agentSchema = z
  .looseObject({
    name: z.string(),
    description: z.string().nullable().optional(),
    model: z.string().nullable().optional(),
    outputKind: z.string().optional(),
    outputSchema: z.unknown().optional(),
    tools: z.array(z.looseObject({ name: z.string() })).optional(),
    state: z.enum(["ready", "degraded", "starting", "restarting", "failed", "stopped"]),
    workers: z.array(workerStatusSchema),
  })
  .meta({ id: "Agent" });

export const healthSchema = z.object({
  ok: z.boolean(),
  state: z
    .enum(["starting", "draining"])
    .optional()
    .describe("Only while the gateway does not serve: its workers boot, or it is stopping"),
  agents: z.record(z.string(), z.string()).describe("Each agent's state"),
});

export const cancelResponseSchema = z.object({ cancelled: z.literal(true), runId: z.string() });
export const restartResponseSchema = z.object({ restarted: z.string() });
export const reloadResponseSchema = z.object({
  reloaded: z.string(),
  workers: z.number().int().describe("Workers replaced by a new process"),
  durationMs: z.number(),
});
