// The live log tail: Python log records and supervisor events, filterable by agent, capped so
// a chatty worker cannot grow the page without bound.
import { byId, h } from "./dom.ts";
import type { LogEvent, WorkerEvent } from "./types.ts";

const MAX_LINES = 500;

export class LogView {
  private readonly root = byId<HTMLDivElement>("logs");
  private readonly filters = byId<HTMLDivElement>("log-filters");
  private readonly agents = new Set<string>();
  private filter = "";

  constructor() {
    this.addFilter("", "all");
  }

  setAgents(names: string[]): void {
    for (const name of names) if (!this.agents.has(name)) this.addFilter(name, name);
  }

  /** On (re)connect the gateway resends its backlog: start from a clean tail. */
  clear(): void {
    this.root.replaceChildren();
  }

  log(record: LogEvent): void {
    const where = [
      record.agent,
      record.pid ? `pid ${record.pid}` : "",
      record.runId ? `run ${record.runId.slice(0, 8)}` : "",
    ]
      .filter(Boolean)
      .join(" · ");
    this.append(
      record.agent ?? "",
      record.level.toLowerCase(),
      record.time,
      where,
      `${record.logger ?? ""} ${record.message}`.trim(),
    );
  }

  worker(event: WorkerEvent): void {
    const detail =
      event.type === "worker-exited"
        ? `exited (${event.signal ?? `code ${event.exitCode}`})`
        : event.type === "worker-restarted"
          ? `restarted (restarts: ${event.restarts})`
          : event.type === "worker-started"
            ? "started"
            : `failed: ${event.error?.message ?? "restart intensity exceeded"}`;
    const where = [
      event.agent,
      event.instance !== undefined ? `#${event.instance}` : "",
      event.pid ? `pid ${event.pid}` : "",
    ]
      .filter(Boolean)
      .join(" · ");
    this.append(
      event.agent ?? "",
      event.type === "agent-failed" ? "error" : "supervisor",
      event.time,
      where,
      `worker ${detail}`,
    );
  }

  private append(agent: string, level: string, time: number, where: string, message: string): void {
    const stick = this.root.scrollTop + this.root.clientHeight >= this.root.scrollHeight - 8;
    const line = h(
      "div",
      {
        class: "line",
        "data-agent": agent,
        "data-level": level,
        hidden: this.filter !== "" && this.filter !== agent,
      },
      h("time", {}, new Date(time).toLocaleTimeString()),
      h("span", { class: "level" }, level),
      h("span", { class: "where" }, where),
      h("span", { class: "message" }, message),
    );
    this.root.append(line);
    while (this.root.childElementCount > MAX_LINES) this.root.firstElementChild?.remove();
    if (stick) this.root.scrollTop = this.root.scrollHeight;
  }

  private addFilter(agent: string, label: string): void {
    if (agent) this.agents.add(agent);
    const button = h(
      "button",
      {
        type: "button",
        role: "tab",
        "data-filter": agent,
        "aria-selected": agent === this.filter ? "true" : "false",
      },
      label,
    );
    button.addEventListener("click", () => this.select(agent));
    this.filters.append(button);
  }

  private select(agent: string): void {
    this.filter = agent;
    for (const button of this.filters.querySelectorAll<HTMLButtonElement>("button")) {
      button.setAttribute("aria-selected", button.dataset.filter === agent ? "true" : "false");
    }
    for (const line of this.root.querySelectorAll<HTMLElement>(".line")) {
      line.hidden = agent !== "" && line.dataset.agent !== agent;
    }
  }
}
