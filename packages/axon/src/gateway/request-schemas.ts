// The request bodies, as zod schemas. They validate requests and, through `z.toJSONSchema`,
// they are the OpenAPI document (openapi.ts): one source, so the two cannot drift.
import { z } from "zod";
import { delayMs } from "../config/delay-ms.js";
import { jsonRunOptionsShape } from "../run/run-options.js";

const json = jsonRunOptionsShape;

export const usageLimitsSchema = json.usageLimits.describe(
  "pydantic-ai `UsageLimits`; the run fails with `usage_limit_exceeded` past any of them",
);

/** The options every run takes: `axon.run`'s own schemas (minus `signal`), described for OpenAPI. */
export const runOptionsShape = {
  model: json.model.describe("Override the agent's model, e.g. `openai:gpt-4o`"),
  modelSettings: json.modelSettings.describe("pydantic-ai `ModelSettings`"),
  deps: json.deps.describe("The agent's dependencies, validated by the worker against `depsSchema`"),
  usageLimits: usageLimitsSchema,
  timeoutMs: json.timeoutMs.describe("Deadline of the whole run, queueing included"),
  metadata: json.metadata.describe("Free-form, passed to the run"),
  // Stricter than `axon.run` here: whole milliseconds over HTTP.
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(100),
      backoffMs: delayMs().optional(),
    })
    .optional()
    .describe("Retry on retryable errors (worker crashed, overloaded, unavailable)"),
  runId: json.runId.describe("Your own id for the run (default: a random UUID)"),
};

export const approvalsSchema = json.approvals.describe(
  "Decisions on an earlier result's `pendingApprovals`, by tool call id: true runs the call, " +
    "false or {denied: reason} refuses it. Send with `messageHistory` (that result's `allMessages`, " +
    "unchanged: its open calls carry the server's signatures; an approval of any other call is a 409).",
);

export const runRequestSchema = z
  .strictObject({
    prompt: z.string().describe("The user prompt; may be empty only when continuing a `messageHistory`"),
    messageHistory: z
      .array(z.record(z.string(), z.unknown()))
      .optional()
      .describe("pydantic-ai messages (`allMessages` of an earlier run), validated by the worker"),
    approvals: approvalsSchema,
    ...runOptionsShape,
  })
  .refine((body) => body.prompt.length > 0 || (body.messageHistory?.length ?? 0) > 0, {
    message: "must not be empty unless `messageHistory` continues an earlier run",
    path: ["prompt"],
  })
  .meta({ id: "RunRequest" });

export type RunRequest = z.infer<typeof runRequestSchema>;

// UI message parts are loose here: the AI SDK adds fields over time, and chat-history.ts checks
// each kind it converts (naming the failing part), ignoring kinds a model never needs.
export const uiMessagePartSchema = z
  .looseObject({ type: z.string().min(1) })
  .describe("A UIMessage part: text, reasoning, file, step-start, tool-<name>, dynamic-tool, ...");

export const uiMessageSchema = z
  .looseObject({
    id: z.string(),
    role: z.enum(["system", "user", "assistant"]),
    metadata: z.unknown().optional(),
    parts: z.array(uiMessagePartSchema),
  })
  .meta({ id: "UIMessage" });

export type UIMessageInput = z.infer<typeof uiMessageSchema>;

/** What `useChat` (AI SDK 5) posts; extra `body` fields of `useChat` may carry run options. */
export const chatRequestSchema = z
  .looseObject({
    id: z.string().optional().describe("The chat's id"),
    messages: z.array(uiMessageSchema).min(1).describe("The whole conversation, ending with a user message"),
    trigger: z.enum(["submit-message", "regenerate-message"]).optional(),
    messageId: z.string().optional(),
    resumable: z
      .boolean()
      .optional()
      .describe(
        "Keep the run going when the connection drops, its chunks stored, so that `useChat({ resume: true })` picks it up again (GET /v1/agents/{name}/chat/{id}/stream); needs `id`",
      ),
    ...runOptionsShape,
  })
  .meta({ id: "ChatRequest" });

export type ChatRequest = z.infer<typeof chatRequestSchema>;
