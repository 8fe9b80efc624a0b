// POST /v1/agents/:name/stream: one SSE event per RunEvent (event name = its `type`), then
// `result` or `error`. The first event, `start`, carries the run id (also in `X-Axon-Run-Id`)
// for POST /v1/runs/:runId/cancel. A client that disconnects cancels the run on the worker.
import type { Hono } from "hono";
import { earlyRefusal } from "../early-refusal.js";
import { type GatewayContext, requireAgent } from "../gateway-context.js";
import { toErrorResponse } from "../http-error.js";
import { openSse } from "../open-sse.js";
import { readJsonBody } from "../read-json-body.js";
import { runRequestSchema } from "../request-schemas.js";
import { outcomeOf, secondsSince } from "../run-outcome.js";

export function streamRoute(app: Hono, context: GatewayContext): void {
  app.post("/v1/agents/:name/stream", async (c) => {
    const name = c.req.param("name");
    requireAgent(context, name);
    const { prompt, ...options } = await readJsonBody(c, runRequestSchema, context.maxBodyBytes);
    // Before anything runs: the calls a history leaves open must be ones this server issued.
    const admitted = context.continuations.admit(name, { prompt, ...options });
    const history = admitted.messageHistory && { messageHistory: admitted.messageHistory };
    const started = performance.now();
    const run = context.axon.stream(name, prompt, { ...options, ...history });
    // Errors are read from the iteration below; this only keeps an unread rejection quiet.
    run.result.catch(() => {});
    const refused = await earlyRefusal(run.result);
    if (refused !== undefined) {
      admitted.release(); // nothing ran: the client may send the approval again
      throw refused; // answered by onError with its status, like /run
    }
    const signer = context.continuations.issue(name, run.runId);
    return openSse(c, { "X-Axon-Run-Id": run.runId }, async ({ signal, send }) => {
      signal.addEventListener("abort", () => run.cancel(), { once: true });
      await send({ type: "start", runId: run.runId }, "start");
      try {
        for await (const event of run) {
          if (!(await send(signer.event(event), event.type))) break;
        }
        context.metrics.observeRun(name, signal.aborted ? "cancelled" : "ok", secondsSince(started));
      } catch (error) {
        context.metrics.observeRun(name, outcomeOf(error), secondsSince(started));
        const { body } = toErrorResponse(error);
        await send({ type: "error", ...body }, "error");
      }
    });
  });
}
