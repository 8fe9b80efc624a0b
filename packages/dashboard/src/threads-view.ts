// Threads kept by the server (docs/threads.md): the list (GET /v1/threads), one thread's
// messages (its `uiMessages`), a live run on it (POST /v1/threads/:id/runs with `stream: true`),
// and the tool calls its last run paused on, with Approve / Deny that continue the run
// (`approvals`, checked by the server against what it stored). Runs started here with
// "background" are listed with their status and result (GET /v1/runs/:id) and a Cancel.
import { api, errorText, readSse } from "./api.ts";
import { h, setAgentOptions } from "./dom.ts";

interface ThreadSummary {
  id: string;
  agent: string | null;
  messageCount: number;
  updatedAt: string;
}
interface PendingApproval {
  toolCallId: string;
  toolName: string;
  args: unknown;
}
interface ThreadDetail extends ThreadSummary {
  uiMessages: { id: string; role: string; parts: Record<string, unknown>[] }[];
  pendingApprovals: PendingApproval[];
}
interface StoredRun {
  id: string;
  threadId: string | null;
  agent: string;
  status: string;
  result: { output?: unknown } | null;
  error: { code: string; message: string } | null;
}

const ENDED = new Set(["succeeded", "failed", "cancelled", "interrupted"]);

export class ThreadsView {
  private readonly agent = h("select", { id: "thread-agent", "aria-label": "agent of a new thread" });
  private readonly list = h("ul", { id: "thread-list", class: "thread-list" });
  private readonly messages = h("div", { id: "thread-messages", class: "output" });
  private readonly approvals = h("div", { id: "thread-approvals", class: "approvals" });
  private readonly live = h("div", { id: "thread-live", class: "output", "aria-live": "polite" });
  private readonly prompt = h("input", { id: "thread-prompt", placeholder: "Message the thread…" });
  private readonly background = h("input", { id: "thread-background", type: "checkbox" });
  private readonly send = h("button", { id: "thread-send", type: "submit", disabled: true }, "Send");
  private readonly runs = h("tbody", { id: "runs" });
  private selected: string | undefined;

  constructor(layout: HTMLElement) {
    const create = h("button", { id: "thread-create", type: "button" }, "New thread");
    create.addEventListener("click", () => void this.create());
    const form = h(
      "form",
      { id: "thread-form", class: "row" },
      this.prompt,
      h("label", { class: "check" }, this.background, " background"),
      this.send,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    layout.append(
      h(
        "section",
        { class: "panel threads-panel" },
        h("h2", {}, "Threads"),
        h(
          "div",
          { class: "threads" },
          h("div", { class: "thread-side" }, h("div", { class: "row" }, this.agent, create), this.list),
          h("div", { class: "thread-main" }, this.messages, this.approvals, this.live, form),
        ),
      ),
      h(
        "section",
        { class: "panel runs-panel" },
        h("h2", {}, "Background runs"),
        h(
          "table",
          { class: "runs" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, "run"),
              h("th", {}, "thread"),
              h("th", {}, "status"),
              h("th", {}, "result"),
              h("th", {}),
            ),
          ),
          this.runs,
        ),
      ),
    );
  }

  setAgents(names: string[]): void {
    const first = this.agent.options.length === 0;
    if (setAgentOptions(this.agent, names) && first) void this.refresh();
  }

  async refresh(): Promise<void> {
    const response = await api("/v1/threads?limit=50").catch(() => undefined);
    if (!response?.ok) return;
    const { threads } = (await response.json()) as { threads: ThreadSummary[] };
    this.list.replaceChildren(
      ...threads.map((thread) => {
        const item = h(
          "li",
          { "data-thread": thread.id },
          h(
            "button",
            { type: "button", class: thread.id === this.selected ? "thread-item selected" : "thread-item" },
            `${thread.agent ?? "?"} · ${thread.id.slice(0, 8)} · ${thread.messageCount} msg`,
          ),
        );
        item.addEventListener("click", () => void this.open(thread.id));
        return item;
      }),
    );
  }

  private async create(): Promise<void> {
    const response = await api("/v1/threads", {
      method: "POST",
      body: JSON.stringify({ agent: this.agent.value }),
    });
    if (!response.ok) return this.fail(await errorText(response));
    const thread = (await response.json()) as ThreadSummary;
    await this.open(thread.id);
  }

  private async open(id: string): Promise<void> {
    this.selected = id;
    this.send.disabled = false;
    this.live.replaceChildren();
    await this.show();
    await this.refresh();
  }

  /** Reads the selected thread again: its messages and its pending approvals. */
  private async show(): Promise<void> {
    if (!this.selected) return;
    const response = await api(`/v1/threads/${encodeURIComponent(this.selected)}`);
    if (!response.ok) return this.fail(await errorText(response));
    const thread = (await response.json()) as ThreadDetail;
    this.messages.replaceChildren(
      ...thread.uiMessages.map((message) =>
        h(
          "div",
          { class: `message ${message.role}` },
          h("b", {}, `${message.role}: `),
          ...message.parts.map(partText),
        ),
      ),
    );
    this.approvals.replaceChildren(
      ...thread.pendingApprovals.map((call) => {
        const approve = h("button", { type: "button", class: "approve" }, "Approve");
        const deny = h("button", { type: "button", class: "deny" }, "Deny");
        approve.addEventListener("click", () => void this.run({ approvals: { [call.toolCallId]: true } }));
        deny.addEventListener(
          "click",
          () => void this.run({ approvals: { [call.toolCallId]: { denied: "denied in the dashboard" } } }),
        );
        return h(
          "div",
          { class: "pending", "data-tool-call-id": call.toolCallId },
          `⏸ ${call.toolName}(${JSON.stringify(call.args)}) waits for approval `,
          approve,
          deny,
        );
      }),
    );
  }

  private async submit(): Promise<void> {
    const prompt = this.prompt.value.trim();
    if (!prompt) return;
    this.prompt.value = "";
    if (this.background.checked) return this.startBackground(prompt);
    await this.run({ prompt });
  }

  /** A live run on the thread: its streamed events, then the thread read again. */
  private async run(body: Record<string, unknown>): Promise<void> {
    const id = this.selected;
    if (!id) return;
    this.live.replaceChildren();
    this.send.disabled = true;
    for (const button of this.approvals.querySelectorAll("button")) button.disabled = true;
    let text: HTMLElement | undefined;
    try {
      const response = await api(`/v1/threads/${encodeURIComponent(id)}/runs`, {
        method: "POST",
        body: JSON.stringify({ ...body, stream: true }),
      });
      if (!response.ok) return this.fail(await errorText(response));
      for await (const message of readSse(response)) {
        const event = JSON.parse(message.data) as Record<string, unknown>;
        if (message.event === "text-delta") {
          text ??= this.block("answer");
          text.textContent += String(event.text);
        } else if (message.event === "tool-call") {
          text = undefined;
          this.block("tool call").textContent = `→ ${event.toolName}(${JSON.stringify(event.args)})`;
        } else if (message.event === "tool-result") {
          this.block("tool result").textContent = `← ${event.toolName}: ${JSON.stringify(event.result)}`;
        } else if (message.event === "error") {
          const error = (event as { error?: { code?: string; message?: string } }).error;
          this.fail(`${error?.code}: ${error?.message}`);
        }
      }
    } catch (error) {
      this.fail(String(error));
    } finally {
      this.send.disabled = false;
      await this.show();
      await this.refresh();
    }
  }

  private async startBackground(prompt: string): Promise<void> {
    if (!this.selected) return;
    const response = await api(`/v1/threads/${encodeURIComponent(this.selected)}/runs`, {
      method: "POST",
      body: JSON.stringify({ prompt, background: true }),
    });
    if (response.status !== 202) return this.fail(await errorText(response));
    const run = (await response.json()) as StoredRun;
    const row = h("tr", { "data-run": run.id });
    this.runs.prepend(row);
    await this.watch(run, row);
  }

  /** Polls a background run until it ends; its row shows status and result, with a Cancel meanwhile. */
  private async watch(initial: StoredRun, row: HTMLTableRowElement): Promise<void> {
    let run = initial;
    for (;;) {
      const cancel = h("button", { type: "button", class: "cancel" }, "Cancel");
      cancel.addEventListener("click", () => {
        cancel.disabled = true;
        void api(`/v1/runs/${encodeURIComponent(run.id)}/cancel`, { method: "POST" });
      });
      const result = run.error
        ? `${run.error.code}: ${run.error.message}`
        : run.result
          ? JSON.stringify(run.result.output)
          : "";
      row.replaceChildren(
        h("td", {}, run.id.slice(0, 8)),
        h("td", {}, run.threadId?.slice(0, 8) ?? ""),
        h("td", { "data-field": "status" }, run.status),
        h("td", { "data-field": "result" }, result),
        h("td", {}, ENDED.has(run.status) ? "" : cancel),
      );
      if (ENDED.has(run.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const response = await api(`/v1/runs/${encodeURIComponent(run.id)}`).catch(() => undefined);
      if (response?.ok) run = (await response.json()) as StoredRun;
    }
    if (run.threadId === this.selected) await this.show();
    await this.refresh();
  }

  private block(kind: string): HTMLElement {
    const element = h("div", { class: `block ${kind}` });
    this.live.append(element);
    return element;
  }

  private fail(message: string): void {
    this.live.append(h("div", { class: "block error", role: "alert" }, message));
  }
}

/** One UIMessage part as a line of text: text as is, a tool part as its call and its state. */
function partText(part: Record<string, unknown>): Node | string {
  if (part.type === "text" || part.type === "reasoning") return String(part.text ?? "");
  if (typeof part.type === "string" && part.type.startsWith("tool-")) {
    const name = part.type.slice(5);
    const output = part.output === undefined ? "" : ` → ${JSON.stringify(part.output)}`;
    return h("span", { class: "tool-part" }, ` [${name}(${JSON.stringify(part.input)})${output}] `);
  }
  return "";
}
