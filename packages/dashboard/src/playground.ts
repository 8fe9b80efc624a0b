// The playground: pick an agent, send a prompt to POST /v1/agents/:name/stream and render the
// events as they come: text, structured output so far, tool calls and their results, then
// the usage. Cancel goes through POST /v1/runs/:runId/cancel, as any client would.
import { api, errorText, readSse } from "./api.ts";
import { byId, h, setAgentOptions } from "./dom.ts";

interface Usage {
  requests: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export class Playground {
  private readonly form = byId<HTMLFormElement>("playground");
  private readonly agent = byId<HTMLSelectElement>("playground-agent");
  private readonly prompt = byId<HTMLTextAreaElement>("playground-prompt");
  private readonly runButton = byId<HTMLButtonElement>("playground-run");
  private readonly cancelButton = byId<HTMLButtonElement>("playground-cancel");
  private readonly output = byId<HTMLDivElement>("playground-output");
  private readonly usage = byId<HTMLDivElement>("playground-usage");
  private runId: string | undefined;

  constructor() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.run();
    });
    this.prompt.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) this.form.requestSubmit();
    });
    this.cancelButton.addEventListener("click", () => void this.cancel());
  }

  setAgents(names: string[]): void {
    setAgentOptions(this.agent, names);
  }

  private async run(): Promise<void> {
    const agent = this.agent.value;
    const prompt = this.prompt.value.trim();
    if (!agent || !prompt) return;
    this.output.replaceChildren();
    this.usage.textContent = "";
    this.runButton.disabled = true;
    this.cancelButton.disabled = false;
    const started = performance.now();
    let text: HTMLElement | undefined;
    let partial: HTMLElement | undefined;
    try {
      const response = await api(`/v1/agents/${encodeURIComponent(agent)}/stream`, {
        method: "POST",
        body: JSON.stringify({ prompt }),
      });
      if (!response.ok) return this.fail(await errorText(response));
      for await (const message of readSse(response)) {
        const event = JSON.parse(message.data) as Record<string, unknown>;
        switch (message.event) {
          case "start":
            this.runId = String(event.runId);
            break;
          case "text-delta":
            text ??= this.block("answer");
            text.textContent += String(event.text);
            break;
          case "thinking-delta":
            this.block("thinking").textContent += String(event.text);
            break;
          case "output-delta":
            partial ??= this.block("answer json");
            partial.textContent = JSON.stringify(event.partial, null, 2);
            break;
          case "tool-call":
            text = undefined;
            this.tool("call", `→ ${event.toolName}(${JSON.stringify(event.args)})`, String(event.toolCallId));
            break;
          case "tool-result":
            this.tool(
              "result",
              event.retry
                ? `↺ ${event.toolName}: retry (${event.retry})`
                : `← ${event.toolName}: ${JSON.stringify(event.result)}`,
              String(event.toolCallId),
            );
            break;
          case "result":
            this.finish(event.result as RunResultBody, !text, partial, started);
            break;
          case "error": {
            const error = (event as { error?: { code?: string; message?: string } }).error;
            this.fail(`${error?.code}: ${error?.message}`);
            break;
          }
        }
      }
    } catch (error) {
      this.fail(String(error));
    } finally {
      this.runId = undefined;
      this.runButton.disabled = false;
      this.cancelButton.disabled = true;
    }
  }

  private finish(
    result: RunResultBody,
    noText: boolean,
    partial: HTMLElement | undefined,
    started: number,
  ): void {
    const pending = result.pendingApprovals ?? [];
    if (pending.length > 0) {
      // A one-off run cannot be continued from here: the server keeps pending calls on a thread.
      const calls = pending.map((call) => `${call.toolName}(${JSON.stringify(call.args)})`).join(", ");
      this.block("answer paused").textContent =
        `Paused for approval: ${calls}. Run it on a thread (Threads panel) to approve or deny it.`;
    } else if (typeof result.output !== "string") {
      (partial ?? this.block("answer json")).textContent = JSON.stringify(result.output, null, 2);
    } else if (noText) {
      this.block("answer").textContent = result.output;
    }
    const u = result.usage;
    const ms = Math.round(performance.now() - started);
    this.usage.textContent =
      `${u.requests} request(s) · ${u.toolCalls} tool call(s) · ${u.inputTokens} in / ${u.outputTokens} out tokens` +
      ` · ${result.model ?? "?"} · ${ms} ms · run ${result.runId}`;
    if (result.traceId) this.usage.append(" · ", traceLink(result.traceId));
  }

  private block(kind: string): HTMLElement {
    const element = h("div", { class: `block ${kind}` });
    this.output.append(element);
    return element;
  }

  private tool(kind: "call" | "result", text: string, toolCallId: string): void {
    this.output.append(h("div", { class: `block tool ${kind}`, "data-tool-call-id": toolCallId }, text));
  }

  private fail(message: string): void {
    this.output.append(h("div", { class: "block error", role: "alert" }, message));
  }

  private async cancel(): Promise<void> {
    if (!this.runId) return;
    await api(`/v1/runs/${encodeURIComponent(this.runId)}/cancel`, { method: "POST" }).catch(() => {});
  }
}

type RunResultBody = {
  output: unknown;
  usage: Usage;
  model?: string;
  runId: string;
  traceId?: string;
  pendingApprovals?: { toolCallId: string; toolName: string; args: unknown }[];
};

/**
 * The run's trace id, linked to a tracing UI when `localStorage["axon.traceUrl"]` holds a URL with
 * `{traceId}` in it, e.g. Jaeger's `http://localhost:16686/trace/{traceId}` (docs/observability.md).
 */
function traceLink(traceId: string): HTMLElement {
  const template = localStorage.getItem("axon.traceUrl");
  const label = `trace ${traceId}`;
  if (!template?.includes("{traceId}") || !/^https?:\/\//.test(template))
    return h("span", { class: "trace-id", title: "set localStorage axon.traceUrl to link it" }, label);
  return h(
    "a",
    { class: "trace-id", href: template.replace("{traceId}", traceId), target: "_blank", rel: "noopener" },
    label,
  );
}
