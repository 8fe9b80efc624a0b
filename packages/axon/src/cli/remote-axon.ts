// The CLI's commands against a running `axon serve`, over its HTTP API (docs/gateway.md):
// nothing boots here, the server's workers answer.
import type { AgentInfo } from "../agent-info.js";
import { type AxonError, isAxonError } from "../errors/axon-error.js";
import { AgentUnavailableError } from "../errors/host-errors.js";
import type { RunEvent, RunResult } from "../run/run-types.js";
import type { WorkerStatus } from "../worker-status.js";
import { axonErrorFromBody } from "./axon-error-from-body.js";
import type { CliAxon, CliRunOptions } from "./cli-axon.js";
import { UsageError } from "./io.js";
import { readSse } from "./read-sse.js";

/** An entry of `GET /v1/agents`: the agent's description plus its live state. */
type AgentEntry = AgentInfo & { state: string; workers: WorkerStatus[] };

/**
 * A CliAxon for the gateway at `url` (e.g. `http://127.0.0.1:4000`, or with a path prefix
 * behind a proxy), sending `token` as the bearer token. Failures are the server's AxonErrors.
 */
export function connectRemoteAxon(url: string, token: string | undefined): CliAxon {
  const base = parseBase(url);
  const server = base.href.replace(/\/$/, "");

  const request = async (path: string, body?: unknown, signal?: AbortSignal): Promise<Response> => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(new URL(path, base), {
        method: body === undefined ? "GET" : "POST",
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throw unreachable(server, error);
    }
    if (!response.ok) throw await errorOf(response, server);
    return response;
  };
  const json = async <T>(response: Response): Promise<T> => {
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw notAnAxon(server, response.status, error);
    }
  };
  const runPath = (agent: string, kind: "run" | "stream") => `v1/agents/${encodeURIComponent(agent)}/${kind}`;
  const agentEntries = async () => (await json<{ agents: AgentEntry[] }>(await request("v1/agents"))).agents;

  return {
    async run(agent, prompt, options = {}) {
      return json<RunResult>(await request(runPath(agent, "run"), runBody(prompt, options)));
    },
    async *stream(agent, prompt, options = {}) {
      // Leaving the loop early closes the connection, which cancels the run on the server.
      const abort = new AbortController();
      try {
        const response = await request(runPath(agent, "stream"), runBody(prompt, options), abort.signal);
        for await (const event of serverEvents(response, server)) {
          yield event;
          if (event.type === "result") return;
        }
        throw new AgentUnavailableError({
          message: `the stream from ${server} ended before the run's result (did the server stop?)`,
          agent,
          retryable: true,
        });
      } finally {
        abort.abort();
      }
    },
    async agents() {
      // The description only, as a local `agents()` gives it; `status` has the workers.
      return (await agentEntries()).map(({ state: _state, workers: _workers, ...info }) => info);
    },
    async status() {
      return (await agentEntries()).flatMap((entry) => entry.workers);
    },
    async close() {},
  };
}

function runBody(prompt: string, options: CliRunOptions) {
  return {
    prompt,
    messageHistory: options.messageHistory,
    model: options.model,
    timeoutMs: options.timeoutMs,
    deps: options.deps,
  };
}

/** The RunEvents of a `/stream` answer; its `error` event is thrown as the AxonError it names. */
async function* serverEvents(response: Response, server: string): AsyncGenerator<RunEvent> {
  if (!response.body) return;
  try {
    for await (const message of readSse(response.body)) {
      const data = JSON.parse(message.data) as unknown;
      if (message.event === "error") throw axonErrorFromBody(data, response.status, server);
      // `start` only carries the run id (for cancelling by HTTP); every other event is a RunEvent.
      if (message.event !== "start") yield data as RunEvent;
    }
  } catch (error) {
    if (isAxonError(error)) throw error;
    throw new AgentUnavailableError({
      message: `lost the stream from ${server} mid-run (${reasonOf(error)})`,
      retryable: true,
      cause: error,
    });
  }
}

function parseBase(url: string): URL {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UsageError(`--url / AXON_URL must be an address like http://127.0.0.1:4000, got '${url}'`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new UsageError(`--url / AXON_URL must be an http:// or https:// address, got '${url}'`);
  }
  // A trailing slash, so that `v1/agents` resolves under a path prefix (https://host/axon/).
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return base;
}

async function errorOf(response: Response, server: string): Promise<AxonError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return axonErrorFromBody(body, response.status, server);
}

function unreachable(server: string, error: unknown): AgentUnavailableError {
  return new AgentUnavailableError({
    message:
      `cannot reach axon serve at ${server} (${reasonOf(error)}); ` +
      "start it with `axon serve`, or point --url / AXON_URL at a running one",
    retryable: true,
    cause: error,
  });
}

function notAnAxon(server: string, status: number, error: unknown): AgentUnavailableError {
  return new AgentUnavailableError({
    message: `${server} answered HTTP ${status} with something that is not JSON (${reasonOf(error)}); is it an axon serve?`,
    cause: error,
  });
}

/** fetch's own message is only "fetch failed"; the socket's reason (ECONNREFUSED ...) is its cause. */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
