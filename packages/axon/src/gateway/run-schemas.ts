// The stored runs' bodies and answers (background runs, GET /v1/runs/:id), as zod schemas: they
// validate requests and are the OpenAPI document's schemas (openapi.ts).
import { z } from "zod";
import { runOptionsShape } from "./request-schemas.js";
import { webhookUrl } from "./thread-schemas.js";

export const backgroundRunRequestSchema = z
  .strictObject({
    prompt: z.string().min(1).describe("The user prompt"),
    stream: z
      .boolean()
      .default(false)
      .describe(
        "Answer with the run's SSE events (numbered, resumable) instead of a 202; a disconnect does not cancel it",
      ),
    webhook: webhookUrl.optional(),
    ...runOptionsShape,
  })
  .meta({ id: "BackgroundRunRequest" });

export const storedRunSchema = z
  .object({
    id: z.string(),
    threadId: z.string().nullable(),
    agent: z.string(),
    status: z.enum(["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]),
    background: z.boolean(),
    result: z.unknown().describe("The run's result once it succeeded (on a thread, without `allMessages`)"),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
  })
  .meta({ id: "StoredRun" });

/** `Last-Event-ID` (or `?lastEventId=`): the number of the last event the client has. */
export const lastEventIdSchema = z.string().regex(/^\d{1,10}$/, "the id of an event of this stream");
