// A real Axon on the demo agents (real Python workers; only the LLM is a FunctionModel),
// served on a free loopback port. One per test file, with only the agents it needs: each
// worker costs ~2 s of CPU to import pydantic-ai.

import { type ServeGatewayOptions, serveGateway } from "../../src/gateway/index.js";
import type { Axon, AxonConfigInput } from "../../src/index.js";
import { startAxon } from "../helpers/start-axon.js";

export const demoAgents = {
  echo: { module: "examples.agents.echo:agent", instances: 2 },
  structured: { module: "examples.agents.structured:agent" },
  tools: { module: "examples.agents.tools:agent" },
  chaos: { module: "examples.agents.chaos:agent" },
} satisfies AxonConfigInput["agents"];

/** A Response whose `json()` is loosely typed: the tests check the shapes with `expect`. */
export interface JsonResponse extends Response {
  // biome-ignore lint/suspicious/noExplicitAny: assertions do the typing in tests.
  json(): Promise<any>;
}

export interface DemoGateway {
  axon: Axon;
  url: string;
  /** `fetch` on the gateway, with the token when one is set. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<JsonResponse>;
  close(): Promise<void>;
}

/** For `beforeAll`: booting workers under load can take a while. */
export const BOOT_TIMEOUT_MS = 120_000;

export async function startDemoGateway(
  options: Partial<ServeGatewayOptions> & { agents?: AxonConfigInput["agents"] } = {},
): Promise<DemoGateway> {
  const { agents = demoAgents, ...gatewayOptions } = options;
  // Generous: two cores shared by every suite make Python imports slow at times.
  const axon = await startAxon(agents, { startTimeoutMs: 90_000 });
  const served = await serveGateway({ axon, port: 0, statusIntervalMs: 200, ...gatewayOptions });
  return {
    axon,
    url: served.url,
    request(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (options.token && !headers.has("authorization"))
        headers.set("authorization", `Bearer ${options.token}`);
      if (json !== undefined) headers.set("content-type", "application/json");
      return fetch(served.url + path, {
        method: json !== undefined ? "POST" : "GET",
        ...rest,
        headers,
        body: json !== undefined ? JSON.stringify(json) : rest.body,
      });
    },
    async close() {
      await served.close();
      await axon.close({ timeoutMs: 2000 });
    },
  };
}

/** Reads a whole SSE response into `{event, data}` records (data parsed as JSON when it is). */
export async function readEvents(response: Response): Promise<{ event: string; data: unknown }[]> {
  const text = await response.text();
  return parseSse(text);
}

export function parseSse(text: string): { event: string; data: unknown }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      const raw = data.join("\n");
      try {
        return { event, data: JSON.parse(raw) as unknown };
      } catch {
        return { event, data: raw };
      }
    });
}

/** Reads SSE records as they arrive, for tests that act mid-stream. */
export async function* sseRecords(response: Response): AsyncGenerator<{ event: string; data: unknown }> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      yield* parseSse(`${block}\n\n`);
    }
  }
}

/** The next SSE record with this event name. */
export async function nextRecord(records: AsyncGenerator<{ event: string; data: unknown }>, event: string) {
  for (;;) {
    const { value, done } = await records.next();
    if (done) throw new Error(`the stream ended before a "${event}" event`);
    if (value.event === event) return value.data as Record<string, unknown>;
  }
}
