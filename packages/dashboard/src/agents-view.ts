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
    this.showReloadError(card, agent.workers.find((worker) => worker.lastReloadError)?.lastReloadError);
  }

  /** A failed reload stays on the card (the old workers serve on) until a reload succeeds. */
  private showReloadError(card: HTMLElement, error: WorkerStatus["lastReloadError"]): void {
    const box = card.querySelector<HTMLElement>(".reload-error");
    if (!box) return;
    box.hidden = error === undefined;
    const text = error
      ? `reload failed at ${new Date(error.at).toLocaleTimeString()} (the old workers keep serving): ${error.code}: ${error.message}`
      : "";
    const message = box.querySelector<HTMLElement>(".message");
    const traceback = box.querySelector<HTMLElement>("pre");
    if (message && message.textContent !== text) message.textContent = text;
    const trace = error?.pythonTraceback ?? "";
    if (traceback && traceback.textContent !== trace) traceback.textContent = trace;
  }

  private createCard(name: string): HTMLElement {
    const restart = h("button", { type: "button", class: "restart", "data-restart": name }, "Restart");
    restart.addEventListener("click", () => this.restart(name, restart));
    const reload = h("button", { type: "button", class: "reload", "data-reload": name }, "Reload");
    reload.addEventListener("click", () => this.post(name, "reload", reload, "Reloading…"));
    const reloadError = h(
      "div",
      { class: "reload-error block error" },
      h("p", { class: "message" }),
      h("pre"),
    );
    reloadError.hidden = true;
    return h(
      "article",
      { class: "agent", "data-agent": name },
      h("header", {}, h("h3", {}, name), h("span", { class: "badge" }), reload, restart),
      h("p", { class: "meta" }),
      reloadError,
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
      // A rolling reload shows its second process beside the row's: "ready (+ draining 1234)".
      state: worker.reload
        ? `${worker.state} (+ ${worker.reload.state} ${worker.reload.pid ?? ""})`.replace(" )", ")")
        : worker.state,
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

  private restart(name: string, button: HTMLButtonElement): Promise<void> {
    return this.post(name, "restart", button, "Restarting…");
  }

  private async post(name: string, action: "restart" | "reload", button: HTMLButtonElement, busy: string) {
    const label = button.textContent;
    button.disabled = true;
    button.textContent = busy;
    try {
      const response = await api(`/v1/agents/${encodeURIComponent(name)}/${action}`, { method: "POST" });
      if (!response.ok) this.onError(await errorText(response));
    } catch (error) {
      this.onError(String(error));
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }
}
