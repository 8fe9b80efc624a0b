// Runs kept in the store (docs/threads.md "Background runs", "Resuming a stream"):
// POST /v1/agents/:name/runs starts a background run (202, or its SSE events with `stream`),
// GET /v1/runs/:runId reads it, GET /v1/runs/:runId/stream follows its numbered events after
// `Last-Event-ID`, from any replica sharing the store. Cancel is in run-routes.ts.
import type { Context, Hono } from "hono";
import type { Runs, StoredEvent } from "../../runs/runs.js";
import { type GatewayContext, requireAgent } from "../gateway-context.js";
import { HttpError } from "../http-error.js";
import { openSse } from "../open-sse.js";
import { readJsonBody } from "../read-json-body.js";
import { backgroundRunRequestSchema, lastEventIdSchema } from "../run-schemas.js";
import { storedRunsAsHttp as asHttp } from "./stored-run-errors.js";

/** Longest run id looked up: anything longer names no stored run. */
const MAX_RUN_ID = 256;

export function storedRunRoutes(app: Hono, context: GatewayContext): void {
  app.post("/v1/agents/:name/runs", async (c) => {
    const name = c.req.param("name");
    requireAgent(context, name);
    const { stream, ...options } = await readJsonBody(c, backgroundRunRequestSchema, context.maxBodyBytes);
    const run = await asHttp(storedRuns(context).start({ ...options, agent: name }));
    if (stream) return followRun(c, context, run.id, 0);
    c.header("Location", `/v1/runs/${run.id}`);
    return c.json(run, 202);
  });

  app.get("/v1/runs/:runId", async (c) => {
    const runId = runIdOf(c);
    return c.json(await asHttp(storedRuns(context).get(runId)));
  });

  app.get("/v1/runs/:runId/stream", async (c) => {
    const runId = runIdOf(c);
    return followRun(c, context, runId, lastEventId(c));
  });
}

/** `Last-Event-ID` (EventSource sends it on its own reconnects) or `?lastEventId=` (a first connect); 0: from the start. */
export function lastEventId(c: Context): number {
  const raw = c.req.header("last-event-id") ?? c.req.query("lastEventId");
  if (raw === undefined || raw === "") return 0;
  const parsed = lastEventIdSchema.safeParse(raw.trim());
  if (!parsed.success) {
    throw new HttpError(400, "invalid_request", "Last-Event-ID: the id of an event of this stream", {
      field: "Last-Event-ID",
    });
  }
  return Number(parsed.data);
}

export function storedRuns(context: GatewayContext): Runs {
  const runs = context.axon.runs;
  if (!runs) throw new HttpError(404, "not_found", "this gateway's Axon keeps no runs");
  return runs;
}

function runIdOf(c: Context): string {
  const runId = c.req.param("runId") ?? "";
  if (runId.length > MAX_RUN_ID) throw new HttpError(404, "run_not_found", "no such run", {});
  return runId;
}

/** How a stored event goes out: named by its type, its data JSON (the chat's chunks are written as they are). */
export type EventFormat = (event: StoredEvent) => { event?: string; data: string };

const namedJson: EventFormat = (event) => ({ event: event.type, data: JSON.stringify(event.data) });

/** SSE of a stored run's events after `after`, each with its number as `id`, until the run ended. */
export async function followRun(
  c: Context,
  context: GatewayContext,
  runId: string,
  after: number,
  format: EventFormat = namedJson,
  headers: Record<string, string> = {},
) {
  const gone = new AbortController();
  const events = await asHttp(storedRuns(context).events(runId, { after, signal: gone.signal }));
  return openSse(c, { ...headers, "X-Axon-Run-Id": runId }, async ({ stream, signal }) => {
    signal.addEventListener("abort", () => gone.abort(), { once: true });
    try {
      for await (const event of events) {
        await stream.writeSSE({ id: String(event.seq), ...format(event) });
      }
    } catch {
      // the client went away, or the store did: the client reconnects with its Last-Event-ID
    } finally {
      gone.abort();
    }
  });
}
