// The thread routes' bodies, queries and answers, as zod schemas: they validate requests and
// are the OpenAPI document's schemas (openapi.ts), as request-schemas.ts does for runs.
import { z } from "zod";
import { isCursor } from "../threads/thread-store.js";
import { THREAD_ID_PATTERN } from "../threads/threads.js";
import { approvalsSchema, runOptionsShape } from "./request-schemas.js";
import { runResponseSchema } from "./response-schemas.js";

const agentName = z.string().regex(/^[A-Za-z0-9_-]+$/, "an agent name");

/** Where a background run's end is POSTed, signed (docs/threads.md "Webhooks"). */
export const webhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe("POSTed the run's end, signed with `Axon-Signature: t=...,v1=...` (background runs only)");

export const threadCreateSchema = z
  .strictObject({
    agent: agentName.optional().describe("The agent its runs use when they name none"),
    metadata: z.record(z.string(), z.unknown()).optional().describe("Free-form JSON kept with the thread"),
    id: z.string().regex(THREAD_ID_PATTERN).optional().describe("Your own id (default: a random UUID)"),
  })
  .meta({ id: "ThreadCreateRequest" });

export const threadRunRequestSchema = z
  .strictObject({
    prompt: z
      .string()
      .default("")
      .describe("The user's message; empty (or left out) only with `approvals`, which continue a paused run"),
    approvals: approvalsSchema
      .optional()
      .describe(
        "Decisions on the thread's `pendingApprovals`, by tool call id: true runs the call, false or {denied: reason} refuses it. " +
          "Accepted only for calls the server stored as pending for this thread, once, every pending call answered; " +
          'otherwise a 409 (`approval_not_issued`, `approval_replayed`) and nothing runs (docs/threads.md "Approvals")',
      ),
    agent: agentName.optional().describe("The agent to run (default: the thread's)"),
    stream: z.boolean().default(false).describe("Answer with SSE events as /v1/agents/{name}/stream does"),
    background: z
      .boolean()
      .default(false)
      .describe(
        "Run without holding the connection: 202 with the run (GET /v1/runs/{runId}); with `stream`, SSE events that a disconnect does not cancel",
      ),
    webhook: webhookUrl.optional(),
    onBusy: z
      .enum(["reject", "enqueue", "interrupt"])
      .optional()
      .describe(
        "While another run of the thread runs: 409, wait behind it, or interrupt it (docs/threads.md). Default: `reject`; `enqueue` for a background run",
      ),
    ...runOptionsShape,
  })
  .meta({ id: "ThreadRunRequest" });

export const threadListQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "a whole number from 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
  cursor: z.string().max(512).refine(isCursor, "not a cursor this server handed out").optional(),
});

export const threadSchema = z
  .object({
    id: z.string(),
    agent: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
    messageCount: z.number().int(),
  })
  .meta({ id: "Thread" });

export const threadDetailSchema = threadSchema
  .extend({
    messages: z.array(z.unknown()).describe("The pydantic-ai message history"),
    uiMessages: z.array(z.unknown()).describe("The same history as AI SDK 5 UIMessages"),
    pendingApprovals: z
      .array(
        z.object({
          runId: z.string(),
          toolCallId: z.string(),
          toolName: z.string(),
          args: z.unknown(),
        }),
      )
      .describe("The tool calls the thread's last run paused on, still waiting for an answer"),
  })
  .meta({ id: "ThreadDetail" });

export const threadPageSchema = z.object({
  threads: z.array(threadSchema),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last"),
});

export const threadRunResponseSchema = runResponseSchema.extend({ threadId: z.string() });

export const threadDeletedSchema = z.object({ deleted: z.literal(true), id: z.string() });
