// The agents panel: one card per agent with its state and a row per worker (pid, state,
// in-flight, queued, restarts, uptime). Updated in place on each status event, so a button
// being clicked is never replaced under the pointer.
import { api, errorText } from "./api.ts";
import { byId, formatUptime, h } from "./dom.ts";
import type { AgentInfo, AgentStatus, StatusEvent, WorkerStatus } from "./types.ts";

const columns = ["instance", "pid", "state", "inFlight", "queued", "restarts", "uptime"] as const;
const headings = ["#", "pid / address", "state", "in-flight", "queued", "restarts", "uptime"];

export class AgentsView {
  private readonly root = byId<HTMLDivElement>("agents");
  private readonly cards = new Map<string, HTMLElement>();

  constructor(private readonly onError: (message: string) => void) {}

  /** Adds each agent's description, model, output kind and tools (from GET /v1/agents). */
  describe(infos: AgentInfo[]): void {
    for (const info of infos) {
      const meta = this.cards.get(info.name)?.querySelector<HTMLElement>(".meta");
      if (!meta) continue;
      const names = [
        ...info.tools.map((tool) => tool.name),
        // Host tools are marked as such: they run in the Node process, not in the worker.
        ...(info.hostTools ?? []).map(
          (tool) => `${tool.name} (host${tool.needsApproval ? ", approval" : ""})`,
        ),
      ];
      const tools = names.length > 0 ? `tools: ${names.join(", ")}` : "no tools";
      meta.textContent = [info.description, `model ${info.model}`, `${info.outputKind} output`, tools]
        .filter(Boolean)
        .join(" · ");
    }
  }

  update(status: StatusEvent): void {
    for (const agent of status.agents) this.updateCard(agent);
    for (const [name, card] of this.cards) {
      if (!status.agents.some((agent) => agent.name === name)) {
        card.remove();
        this.cards.delete(name);
      }
    }
  }

  private updateCard(agent: AgentStatus): void {
    let card = this.cards.get(agent.name);
    if (!card) {
      card = this.createCard(agent.name);
      this.cards.set(agent.name, card);
      this.root.append(card);
    }
    const badge = card.querySelector<HTMLElement>(".badge");
    if (badge) {
      badge.textContent = agent.state;
      badge.dataset.state = agent.state;
    }
    card.dataset.state = agent.state;
    const body = card.querySelector("tbody");
    if (!body) return;
    const rows = agent.workers.map((worker) => this.row(body, worker));
    for (const stale of [...body.children]) if (!rows.includes(stale as HTMLTableRowElement)) stale.remove();
  }

  private createCard(name: string): HTMLElement {
    const restart = h("button", { type: "button", class: "restart", "data-restart": name }, "Restart");
    restart.addEventListener("click", () => this.restart(name, restart));
    return h(
      "article",
      { class: "agent", "data-agent": name },
      h("header", {}, h("h3", {}, name), h("span", { class: "badge" }), restart),
      h("p", { class: "meta" }),
      h(
        "table",
        { class: "workers" },
        h("thead", {}, h("tr", {}, ...headings.map((text) => h("th", {}, text)))),
        h("tbody"),
      ),
    );
  }

  private row(body: HTMLTableSectionElement, worker: WorkerStatus): HTMLTableRowElement {
    const key = `${worker.agent}-${worker.instance}`;
    let row = body.querySelector<HTMLTableRowElement>(`tr[data-worker="${CSS.escape(key)}"]`);
    if (!row) {
      row = h("tr", { "data-worker": key }, ...columns.map((field) => h("td", { "data-field": field })));
      body.append(row);
    }
    const values: Record<(typeof columns)[number], string> = {
      instance: String(worker.instance),
      // A remote worker has no pid here: its address says where it is.
      pid: worker.pid
        ? String(worker.pid)
        : worker.kind === "remote" && worker.address
          ? worker.address
          : "—",
      state: worker.state,
      inFlight: String(worker.inFlight),
      queued: String(worker.queued),
      restarts: String(worker.restarts),
      uptime: formatUptime(worker.uptimeMs),
    };
    for (const field of columns) {
      const cell = row.querySelector<HTMLElement>(`td[data-field="${field}"]`);
      if (cell && cell.textContent !== values[field]) cell.textContent = values[field];
    }
    row.dataset.state = worker.state;
    return row;
  }

  private async restart(name: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    button.textContent = "Restarting…";
    try {
      const response = await api(`/v1/agents/${encodeURIComponent(name)}/restart`, { method: "POST" });
      if (!response.ok) this.onError(await errorText(response));
    } catch (error) {
      this.onError(String(error));
    } finally {
      button.disabled = false;
      button.textContent = "Restart";
    }
  }
}
