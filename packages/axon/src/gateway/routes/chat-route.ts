// POST /v1/agents/:name/chat: the AI SDK 5 UI message stream protocol (v1), so `useChat`
// works unchanged. The posted UIMessages become the prompt and the message history.
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { errorFacts } from "../../runs/run-errors.js";
import type { StoredRunHandle } from "../../runs/runs.js";
import { chatToRun } from "../chat-history.js";
import { earlyRefusal } from "../early-refusal.js";
import { type GatewayContext, requireAgent } from "../gateway-context.js";
import { toErrorResponse } from "../http-error.js";
import { openSse } from "../open-sse.js";
import { readJsonBody } from "../read-json-body.js";
import { chatRequestSchema } from "../request-schemas.js";
import { outcomeOf, secondsSince } from "../run-outcome.js";
import { UIMessageChunker } from "../ui-message-chunks.js";
import { type EventFormat, followRun, lastEventId } from "./stored-run-routes.js";

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
    if (body.resumable && body.id && context.axon.runs) {
      // Stored and recorded: the run goes on without this connection; the answer follows its log.
      const stored = await context.axon.runs
        .begin({ runId: run.runId, agent: name, chatId: body.id })
        .catch((error: unknown) => {
          run.cancel(); // not stored (the store is down, or the run id is in use): not run either
          throw error;
        });
      void recordChat(run, stored, chunker, signer, (outcome) =>
        context.metrics.observeRun(name, outcome, secondsSince(started)),
      );
      return followRun(c, context, run.runId, 0, chatChunk, UI_MESSAGE_STREAM_HEADERS);
    }
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

  // useChat({ resume: true }) on mount: DefaultChatTransport's reconnect, `GET ${api}/${chatId}/stream`;
  // 204 when the chat has no run in progress (the AI SDK then does nothing).
  app.get("/v1/agents/:name/chat/:chatId/stream", async (c) => {
    requireAgent(context, c.req.param("name"));
    const chatId = c.req.param("chatId");
    const runs = context.axon.runs;
    const runId = runs && chatId.length <= 256 ? await runs.activeChatRun(chatId) : undefined;
    if (!runId) return c.body(null, 204);
    return followRun(c, context, runId, lastEventId(c), chatChunk, UI_MESSAGE_STREAM_HEADERS);
  });
}

/** A chat's stored chunk as the UI message stream writes it: bare `data:` JSON, and `[DONE]` last. */
const chatChunk: EventFormat = (event) => ({
  data: event.type === "done" ? "[DONE]" : JSON.stringify(event.data),
});

type ChatRun = ReturnType<GatewayContext["axon"]["stream"]>;
type Signer = ReturnType<GatewayContext["continuations"]["issue"]>;

/** Runs a resumable chat to its end, its UI chunks into the run's log. */
async function recordChat(
  run: ChatRun,
  stored: StoredRunHandle,
  chunker: UIMessageChunker,
  signer: Signer,
  observe: (outcome: ReturnType<typeof outcomeOf> | "ok") => void,
): Promise<void> {
  const write = (chunks: object[]) => {
    for (const chunk of chunks) stored.push("chunk", chunk);
  };
  write(chunker.start());
  try {
    for await (const event of run) write(chunker.push(signer.event(event)));
    observe("ok");
    stored.push("done", "[DONE]");
    await stored.end("succeeded");
  } catch (error) {
    observe(outcomeOf(error));
    const { body: errorBody } = toErrorResponse(error);
    write(chunker.fail(`${errorBody.error.code}: ${errorBody.error.message}`));
    stored.push("done", "[DONE]");
    const facts = errorFacts(error);
    await stored.end(facts.code === "cancelled" ? "cancelled" : "failed", facts).catch(() => {});
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
