// The OpenAPI 3.1 document, generated from the zod schemas that validate the requests
// (request-schemas.ts) and describe the responses (response-schemas.ts).
import { z } from "zod";
import { chatRequestSchema, runRequestSchema } from "./request-schemas.js";
import {
  agentSchema,
  cancelResponseSchema,
  errorResponseSchema,
  healthSchema,
  reloadResponseSchema,
  restartResponseSchema,
  runResponseSchema,
} from "./response-schemas.js";
import { backgroundRunRequestSchema, storedRunSchema } from "./run-schemas.js";
import {
  threadCreateSchema,
  threadDeletedSchema,
  threadDetailSchema,
  threadPageSchema,
  threadRunRequestSchema,
  threadRunResponseSchema,
  threadSchema,
} from "./thread-schemas.js";

type Schema = z.ZodType;

const json = (schema: Schema, description: string) => ({
  description,
  content: { "application/json": { schema: toSchema(schema) } },
});
const sse = (description: string, extraHeaders: Record<string, unknown> = {}) => ({
  description,
  headers: { "X-Axon-Run-Id": { schema: { type: "string" } }, ...extraHeaders },
  content: { "text/event-stream": { schema: { type: "string" } } },
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: "#/components/responses/Error" }]));
const agentParam = {
  name: "name",
  in: "path",
  required: true,
  schema: { type: "string" },
  description: "Agent name",
};
const runParam = { name: "runId", in: "path", required: true, schema: { type: "string" } };
const threadParam = { name: "threadId", in: "path", required: true, schema: { type: "string" } };
const body = (schema: Schema) => ({
  required: true,
  content: { "application/json": { schema: toSchema(schema) } },
});

// Named schemas (`.meta({ id })`) land in `components.schemas`, referenced by `$ref`.
const components: Record<string, unknown> = {};

function toSchema(schema: Schema): unknown {
  // `io: "input"` documents what a client may send (defaults optional).
  const generated = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const {
    $schema: _,
    $defs,
    ...rest
  } = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<
    string,
    unknown
  > & { $defs?: Record<string, unknown> };
  Object.assign(components, $defs ?? {});
  return rest;
}

// 409: an approval the server did not issue, or no longer accepts (approval_not_issued / _expired / _replayed).
const runErrors = errors(400, 401, 404, 409, 413, 422, 429, 499, 500, 502, 503, 504);

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Axon gateway",
      version: "1",
      description: "Run supervised pydantic-ai agents over HTTP.",
    },
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: { Error: json(errorResponseSchema, "An error: `{error: {code, message, retryable, ...}}`") },
    },
    // Applies only when the gateway was started with a token.
    security: [{ bearer: [] }],
    paths: {
      "/healthz": {
        get: {
          summary: "Ready when every agent has a ready worker",
          security: [],
          responses: {
            200: json(healthSchema, "Every agent ready"),
            503: json(healthSchema, "Some agent is not"),
          },
        },
      },
      "/v1/agents": {
        get: {
          summary: "Agents with their schemas, tools and live worker status",
          responses: { 200: json(z.object({ agents: z.array(agentSchema) }), "The agents"), ...errors(401) },
        },
      },
      "/v1/agents/{name}": {
        get: {
          summary: "One agent",
          parameters: [agentParam],
          responses: { 200: json(agentSchema, "The agent"), ...errors(401, 404) },
        },
      },
      "/v1/agents/{name}/run": {
        post: {
          summary: "Run the agent and wait for its result",
          parameters: [agentParam],
          requestBody: body(runRequestSchema),
          responses: { 200: json(runResponseSchema, "The run's result"), ...runErrors },
        },
      },
      "/v1/agents/{name}/stream": {
        post: {
          summary: "Run the agent, streaming each RunEvent as an SSE event (then `result` or `error`)",
          parameters: [agentParam],
          requestBody: body(runRequestSchema),
          responses: {
            200: sse(
              "Events: start, text-delta, output-delta, thinking-delta, tool-call, tool-result, " +
                "tool-approval-request (with the call's `signature`), result | error",
            ),
            ...runErrors,
          },
        },
      },
      "/v1/agents/{name}/chat": {
        post: {
          summary: "AI SDK 5 UI message stream (v1), for `useChat`",
          parameters: [agentParam],
          requestBody: body(chatRequestSchema),
          responses: {
            200: sse("UI message chunks, then `data: [DONE]`", {
              "x-vercel-ai-ui-message-stream": { schema: { type: "string", const: "v1" } },
            }),
            ...runErrors,
          },
        },
      },
      "/v1/agents/{name}/chat/{chatId}/stream": {
        get: {
          summary:
            "Resume a resumable chat's answer (`useChat({ resume: true })`: DefaultChatTransport's reconnect); 204 when the chat has no run in progress",
          parameters: [
            agentParam,
            { name: "chatId", in: "path", required: true, schema: { type: "string" } },
            { name: "Last-Event-ID", in: "header", schema: { type: "string", pattern: "^\\d{1,10}$" } },
          ],
          responses: {
            200: sse(
              "The run's UI message chunks from the first (or after Last-Event-ID), then `data: [DONE]`",
            ),
            204: { description: "No run of this chat in progress" },
            ...errors(400, 401, 404),
          },
        },
      },
      "/v1/agents/{name}/restart": {
        post: {
          summary: "Restart the agent's workers",
          parameters: [agentParam],
          responses: { 200: json(restartResponseSchema, "Restarted"), ...errors(401, 404, 503) },
        },
      },
      "/v1/agents/{name}/reload": {
        post: {
          summary: "Rolling restart: replace the agent's workers one at a time (new code), losing no run",
          description:
            "A new worker that cannot boot or import the agent leaves the old ones serving and answers 503 worker_start_failed; the Python traceback is in each worker's `lastReloadError` (GET /v1/agents/{name}, the dashboard). 503 agent_unavailable with `shuttingDown` while the gateway drains.",
          parameters: [agentParam],
          responses: { 200: json(reloadResponseSchema, "Reloaded"), ...errors(401, 404, 503) },
        },
      },
      "/v1/runs/{runId}/cancel": {
        post: {
          summary:
            "Cancel a run in flight or queued; a stored run on another replica is cancelled by its owner within a heartbeat",
          parameters: [runParam],
          responses: { 200: json(cancelResponseSchema, "Cancelled"), ...errors(401, 404, 409) },
        },
      },
      "/v1/agents/{name}/runs": {
        post: {
          summary:
            "Start a background run: 202 with the stored run (poll GET /v1/runs/{runId}, or a signed `webhook` when it ends); `stream: true` answers its numbered SSE events instead (docs/threads.md)",
          parameters: [agentParam],
          requestBody: body(backgroundRunRequestSchema),
          responses: {
            202: json(storedRunSchema, "Stored and started"),
            200: sse("With `stream: true`: the run's events, each with its `id` (resume with Last-Event-ID)"),
            ...errors(400, 401, 404, 413),
          },
        },
      },
      "/v1/runs/{runId}": {
        get: {
          summary: "A stored run (background or on a thread): its status, result or error",
          parameters: [runParam],
          responses: { 200: json(storedRunSchema, "The run"), ...errors(401, 404) },
        },
      },
      "/v1/runs/{runId}/stream": {
        get: {
          summary:
            "A stored run's SSE events after `Last-Event-ID` (header, or `lastEventId` query), then its live tail until it ends; from any replica sharing the store",
          parameters: [
            runParam,
            { name: "Last-Event-ID", in: "header", schema: { type: "string", pattern: "^\\d{1,10}$" } },
            { name: "lastEventId", in: "query", schema: { type: "string", pattern: "^\\d{1,10}$" } },
          ],
          responses: { 200: sse("Events, each with its `id`"), ...errors(400, 401, 404) },
        },
      },
      "/v1/threads": {
        post: {
          summary: "Create a thread: a conversation the server keeps (docs/threads.md)",
          requestBody: body(threadCreateSchema),
          responses: { 201: json(threadSchema, "The new thread"), ...errors(400, 401, 404, 409, 413) },
        },
        get: {
          summary: "Threads, newest first, a page at a time",
          parameters: [
            {
              name: "limit",
              in: "query",
              schema: { type: "integer", minimum: 1, maximum: 100, default: 20 },
            },
            {
              name: "cursor",
              in: "query",
              schema: { type: "string" },
              description: "`nextCursor` of the page before",
            },
          ],
          responses: { 200: json(threadPageSchema, "A page of threads"), ...errors(400, 401) },
        },
      },
      "/v1/threads/{threadId}": {
        get: {
          summary: "A thread with its history (pydantic-ai messages and AI SDK UIMessages)",
          parameters: [threadParam],
          responses: { 200: json(threadDetailSchema, "The thread"), ...errors(401, 404) },
        },
        delete: {
          summary: "Delete a thread, its messages and runs",
          parameters: [threadParam],
          responses: { 200: json(threadDeletedSchema, "Deleted"), ...errors(401, 404) },
        },
      },
      "/v1/threads/{threadId}/runs": {
        post: {
          summary:
            "Run on the thread's history; the run's messages are appended when it succeeds. " +
            "`stream: true` answers SSE events as /v1/agents/{name}/stream (each with its `id` in the run's log); a busy thread is a 409 unless `onBusy` says otherwise. " +
            "`background: true` stores the run and answers 202 with it (or, with `stream`, SSE events a disconnect does not cancel). " +
            "A run paused on tools that need approval lists them in `pendingApprovals` (and GET /v1/threads/{threadId}); `approvals` with an empty prompt continues it, " +
            "accepted only for calls the server stored as pending, once: otherwise 409 `approval_not_issued` / `approval_replayed`",
          parameters: [threadParam],
          requestBody: body(threadRunRequestSchema),
          responses: {
            200: {
              ...json(threadRunResponseSchema, "The run's result (or, with `stream: true`, SSE events)"),
              content: {
                "application/json": { schema: toSchema(threadRunResponseSchema) },
                "text/event-stream": { schema: { type: "string" } },
              },
            },
            202: json(storedRunSchema, "With `background: true`: the stored run"),
            ...runErrors,
          },
        },
      },
      "/v1/events": {
        get: {
          summary: "Live SSE feed: status, log and worker events",
          responses: { 200: sse("Events"), ...errors(401) },
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          responses: {
            200: { description: "Text format 0.0.4", content: { "text/plain": {} } },
            ...errors(401),
          },
        },
      },
    },
  };
}
