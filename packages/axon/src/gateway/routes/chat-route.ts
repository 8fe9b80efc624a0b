// POST /v1/agents/:name/chat: the AI SDK 5 UI message stream protocol (v1), so `useChat`
// works unchanged. The posted UIMessages become the prompt and the message history.
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { chatToRun } from "../chat-history.js";
import { earlyRefusal } from "../early-refusal.js";
import { type GatewayContext, requireAgent } from "../gateway-context.js";
import { toErrorResponse } from "../http-error.js";
import { openSse } from "../open-sse.js";
import { readJsonBody } from "../read-json-body.js";
import { chatRequestSchema } from "../request-schemas.js";
import { outcomeOf, secondsSince } from "../run-outcome.js";
import { UIMessageChunker } from "../ui-message-chunks.js";

/** The headers of `createUIMessageStreamResponse` in the `ai` package. */
const UI_MESSAGE_STREAM_HEADERS = { "x-vercel-ai-ui-message-stream": "v1" };

export function chatRoute(app: Hono, context: GatewayContext): void {
  app.post("/v1/agents/:name/chat", async (c) => {
    const name = c.req.param("name");
    requireAgent(context, name);
    const body = await readJsonBody(c, chatRequestSchema, context.maxBodyBytes);
    const { prompt, messageHistory, approvals } = chatToRun(body.messages);
    const { model, modelSettings, deps, usageLimits, timeoutMs, metadata, retry, runId } = body;
    const options = { model, modelSettings, deps, usageLimits, timeoutMs, metadata, retry, runId };
    const started = performance.now();
    // Before anything runs: the calls a history leaves open must be ones this server issued.
    const admitted = context.continuations.admit(name, { prompt, messageHistory, approvals });
    const run = context.axon.stream(name, prompt, {
      ...withoutUndefined(options),
      messageHistory: admitted.messageHistory ?? [],
      ...(approvals && { approvals }),
    });
    run.result.catch(() => {});
    const refused = await earlyRefusal(run.result);
    if (refused !== undefined) {
      admitted.release(); // nothing ran: the client may send the approval again
      throw refused; // answered by onError with its status, like /run
    }
    const signer = context.continuations.issue(name, run.runId);
    // Answering approvals continues the last assistant message, so the stream keeps its id.
    const last = body.messages.at(-1);
    const messageId = approvals && last ? last.id : `msg-${randomUUID()}`;
    const answered = new Map(Object.entries(approvals ?? {}).map(([id, d]) => [id, d === true]));
    const chunker = new UIMessageChunker(messageId, answered);
    const headers = { ...UI_MESSAGE_STREAM_HEADERS, "X-Axon-Run-Id": run.runId };
    return openSse(c, headers, async ({ signal, send }) => {
      signal.addEventListener("abort", () => run.cancel(), { once: true });
      const write = async (chunks: object[]) => {
        for (const chunk of chunks) if (!(await send(chunk))) return false;
        return true;
      };
      await write(chunker.start());
      try {
        for await (const event of run) {
          if (!(await write(chunker.push(signer.event(event))))) break;
        }
        context.metrics.observeRun(name, signal.aborted ? "cancelled" : "ok", secondsSince(started));
      } catch (error) {
        context.metrics.observeRun(name, outcomeOf(error), secondsSince(started));
        const { body: errorBody } = toErrorResponse(error);
        await write(chunker.fail(`${errorBody.error.code}: ${errorBody.error.message}`));
      }
      await send("[DONE]");
    });
  });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
