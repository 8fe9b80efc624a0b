// POST /v1/agents/:name/run (unary) and POST /v1/runs/:runId/cancel.
import type { Hono } from "hono";
import { earlyRefusal } from "../early-refusal.js";
import { type GatewayContext, requireAgent } from "../gateway-context.js";
import { HttpError } from "../http-error.js";
import { readJsonBody } from "../read-json-body.js";
import { runRequestSchema } from "../request-schemas.js";
import { outcomeOf, secondsSince } from "../run-outcome.js";
import { storedRunsAsHttp } from "./stored-run-errors.js";

export function runRoutes(app: Hono, context: GatewayContext): void {
  app.post("/v1/agents/:name/run", async (c) => {
    const name = c.req.param("name");
    requireAgent(context, name);
    const { prompt, ...options } = await readJsonBody(c, runRequestSchema, context.maxBodyBytes);
    // Before anything runs: the calls a history leaves open must be ones this server issued.
    const admitted = context.continuations.admit(name, { prompt, ...options });
    const history = admitted.messageHistory && { messageHistory: admitted.messageHistory };
    const started = performance.now();
    try {
      // The request's signal aborts when the client disconnects: the worker stops the run too.
      const running = context.axon.run(name, prompt, { ...options, ...history, signal: c.req.raw.signal });
      // Refused at admission (429, 503): nothing ran, so the client may send the approval again.
      if ((await earlyRefusal(running)) !== undefined) admitted.release();
      const done = await running;
      const result = context.continuations.issue(name, done.runId).result(done);
      context.metrics.observeRun(name, "ok", secondsSince(started));
      const {
        output,
        usage,
        newMessages,
        allMessages,
        runId,
        model,
        pendingApprovals,
        traceId,
        traceparent,
      } = result;
      // A run paused on a `needsApproval` host tool: answer with `approvals` (docs/tools.md).
      const paused = pendingApprovals ? { pendingApprovals } : {};
      const traced = traceId ? { traceId, traceparent } : {};
      return c.json({
        output,
        usage,
        newMessages,
        allMessages,
        runId,
        model: model ?? null,
        ...traced,
        ...paused,
      });
    } catch (error) {
      context.metrics.observeRun(name, outcomeOf(error), secondsSince(started));
      throw error;
    }
  });

  app.post("/v1/runs/:runId/cancel", async (c) => {
    const runId = c.req.param("runId");
    if (context.axon.cancel(runId)) return c.json({ cancelled: true, runId });
    // A stored run (background, or on a thread), here or on another replica sharing the store.
    const runs = context.axon.runs;
    if (runs?.isOpen() && runId.length <= 256) {
      if (await storedRunsAsHttp(runs.cancel(runId))) return c.json({ cancelled: true, runId });
      throw new HttpError(409, "run_ended", `run "${runId}" has ended`, { runId });
    }
    throw new HttpError(404, "run_not_found", `no run "${runId}" in flight or queued`, { runId });
  });
}
