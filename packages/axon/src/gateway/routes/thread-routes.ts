// Threads over HTTP (docs/threads.md): create, list, read, delete, and runs on a thread, unary or
// streamed (SSE events as /v1/agents/:name/stream, with `threadId` on `start`).
import type { Context, Hono } from "hono";
import type { z } from "zod";
import { isThreadError } from "../../threads/thread-errors.js";
import type { Thread, Threads } from "../../threads/threads.js";
import { type GatewayContext, requireAgent } from "../gateway-context.js";
import { HttpError, toErrorResponse } from "../http-error.js";
import { openSse } from "../open-sse.js";
import { readJsonBody } from "../read-json-body.js";
import { threadCreateSchema, threadListQuerySchema, threadRunRequestSchema } from "../thread-schemas.js";
import { storedRunsAsHttp as asStored } from "./stored-run-errors.js";
import { followRun, storedRuns } from "./stored-run-routes.js";

export function threadRoutes(app: Hono, context: GatewayContext): void {
  const threads = (): Threads => {
    const served = context.axon.threads;
    if (!served) throw new HttpError(404, "not_found", "this gateway's Axon keeps no threads");
    return served;
  };

  app.post("/v1/threads", async (c) => {
    const body = await readJsonBody(c, threadCreateSchema, context.maxBodyBytes);
    if (body.agent) requireAgent(context, body.agent);
    const thread = await asHttp(threads().create(body));
    return c.json(info(thread), 201);
  });

  app.get("/v1/threads", async (c) => {
    const query = parseQuery(c, threadListQuerySchema);
    return c.json(await asHttp(threads().list(query)));
  });

  app.get("/v1/threads/:threadId", async (c) => {
    const { messages, uiMessages, pendingApprovals, ...rest } = await asHttp(
      threads().get(c.req.param("threadId")),
    );
    return c.json({ ...info(rest), messages, uiMessages, pendingApprovals });
  });

  app.delete("/v1/threads/:threadId", async (c) => {
    const id = c.req.param("threadId");
    if (!(await asHttp(threads().delete(id)))) throw notFound(id);
    return c.json({ deleted: true, id });
  });

  app.post("/v1/threads/:threadId/runs", async (c) => {
    const threadId = c.req.param("threadId");
    const { prompt, stream, ...options } = await readJsonBody(
      c,
      threadRunRequestSchema,
      context.maxBodyBytes,
    );
    if (options.agent) requireAgent(context, options.agent);
    const { background, webhook, approvals, ...rest } = options;
    if (prompt === "" && approvals === undefined) {
      throw new HttpError(
        400,
        "invalid_request",
        "prompt: must not be empty unless `approvals` continue a paused run",
        {
          field: "prompt",
        },
      );
    }
    if (background) {
      if (approvals !== undefined) {
        throw new HttpError(400, "invalid_request", "approvals: continue a paused run without `background`", {
          field: "approvals",
        });
      }
      const runOptions = rest;
      // Kept in the store, run without this connection: a disconnect does not cancel it.
      const run = await asStored(storedRuns(context).start({ ...runOptions, prompt, threadId, webhook }));
      if (stream) return followRun(c, context, run.id, 0);
      c.header("Location", `/v1/runs/${run.id}`);
      return c.json(run, 202);
    }
    // Approvals are checked against the store by the thread itself (thread-approvals.ts): 409s.
    const runOptions = approvals === undefined ? rest : { ...rest, approvals };
    if (webhook !== undefined) {
      throw new HttpError(400, "invalid_request", "webhook: only with `background: true`", {
        field: "webhook",
      });
    }
    if (!stream) {
      // The request's signal aborts when the client disconnects: the run is cancelled, the thread kept as it was.
      const run = threads().stream(threadId, prompt, { ...runOptions, signal: c.req.raw.signal });
      const { output, usage, newMessages, allMessages, runId, model, pendingApprovals } = await asHttp(
        run.result,
      );
      const paused = pendingApprovals ? { pendingApprovals } : {};
      return c.json({
        threadId,
        output,
        usage,
        newMessages,
        allMessages,
        runId,
        model: model ?? null,
        ...paused,
      });
    }
    const run = threads().stream(threadId, prompt, runOptions);
    // Refused before it ran (unknown thread, busy, overloaded, bad option): an HTTP status, not a 200 stream.
    await asHttp(run.ready);
    return openSse(c, { "X-Axon-Run-Id": run.runId }, async ({ signal, stream: sse }) => {
      signal.addEventListener("abort", () => run.cancel(), { once: true });
      // Each event carries its number in the run's log as `id`: GET /v1/runs/{runId}/stream with
      // Last-Event-ID replays what a watcher missed (this stream's run ends with its connection).
      const send = async (data: { type: string }, id: number | undefined) => {
        if (signal.aborted) return false;
        try {
          await sse.writeSSE({ data: JSON.stringify(data), event: data.type, id: id?.toString() });
          return true;
        } catch {
          return false;
        }
      };
      await send({ type: "start", runId: run.runId, threadId } as { type: string }, run.eventId("start"));
      try {
        for await (const event of run) {
          if (!(await send(event, run.eventId(event)))) break;
        }
      } catch (error) {
        const { body } = toErrorResponse(toHttp(error));
        await send({ type: "error", ...body } as { type: string }, undefined);
      }
    });
  });
}

const info = (
  thread: Omit<Thread, "messages" | "uiMessages" | "pendingApprovals" | "run" | "stream" | "approve">,
) => ({
  id: thread.id,
  agent: thread.agent,
  metadata: thread.metadata,
  createdAt: thread.createdAt,
  updatedAt: thread.updatedAt,
  messageCount: thread.messageCount,
});

const notFound = (threadId: string) =>
  new HttpError(404, "thread_not_found", `no thread "${threadId}"`, { threadId });

/** The threads' own refusals as their HTTP errors; anything else as it is. */
function toHttp(error: unknown): unknown {
  if (!isThreadError(error)) return error;
  if (error.code === "thread_not_found") return notFound(error.threadId);
  return new HttpError(409, error.code, error.message, { threadId: error.threadId, ...error.details });
}

async function asHttp<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw toHttp(error);
  }
}

function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.code === "unrecognized_keys" ? issue.keys[0] : issue?.path.join(".");
  const field = `query.${key || "?"}`;
  throw new HttpError(400, "invalid_request", `${field}: ${issue?.message ?? "invalid"}`, { field });
}
