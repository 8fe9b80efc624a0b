// The dashboard: subscribes to /v1/events (status, logs, worker events) and keeps the panels
// live; reconnects with backoff when the gateway restarts; asks for a token on a 401.
import { AgentsView } from "./agents-view.ts";
import { adoptTokenFromHash, api, readSse, setToken, UnauthorizedError } from "./api.ts";
import { byId } from "./dom.ts";
import { LogView } from "./log-view.ts";
import { Playground } from "./playground.ts";
import { ThreadsView } from "./threads-view.ts";
import "./style.css";
import type { AgentInfo, LogEvent, StatusEvent, WorkerEvent } from "./types.ts";

adoptTokenFromHash();

const connection = byId<HTMLSpanElement>("connection");
const tokenForm = byId<HTMLFormElement>("token-form");
const tokenInput = byId<HTMLInputElement>("token-input");
const logs = new LogView();
const playground = new Playground();
const threads = new ThreadsView(document.querySelector<HTMLElement>("main.layout") ?? document.body);
const agents = new AgentsView((message) => showConnection("error", message));

function showConnection(state: string, text: string): void {
  connection.dataset.state = state;
  connection.textContent = text;
}

let wake: (() => void) | undefined;
tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  setToken(tokenInput.value.trim());
  tokenForm.hidden = true;
  wake?.();
});

async function follow(): Promise<void> {
  const response = await api("/v1/events");
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  showConnection("live", "live");
  logs.clear();
  let described = false;
  for await (const message of readSse(response)) {
    const data: unknown = JSON.parse(message.data);
    if (message.event === "status") {
      const status = data as StatusEvent;
      const names = status.agents.map((agent) => agent.name);
      agents.update(status);
      playground.setAgents(names);
      threads.setAgents(names);
      logs.setAgents(names);
      if (!described) {
        described = true;
        void describeAgents();
      }
    } else if (message.event === "log") {
      logs.log(data as LogEvent);
    } else if (message.event === "worker") {
      logs.worker(data as WorkerEvent);
    }
  }
}

async function describeAgents(): Promise<void> {
  const response = await api("/v1/agents").catch(() => undefined);
  if (response?.ok) agents.describe(((await response.json()) as { agents: AgentInfo[] }).agents);
}

async function loop(): Promise<void> {
  let delay = 500;
  for (;;) {
    try {
      await follow();
      delay = 500;
    } catch (error) {
      if (error instanceof UnauthorizedError) {
        showConnection("error", "token required");
        tokenForm.hidden = false;
        tokenInput.focus();
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
    }
    showConnection("connecting", "reconnecting…");
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 5000);
  }
}

void loop();
