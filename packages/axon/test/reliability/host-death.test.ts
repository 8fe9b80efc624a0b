// `kill -9` of a gateway process: it cannot clean up, so its workers must notice on their own
// (stdin EOF, parent-pid watch) and the next host must cope with what it left behind.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { serveGateway } from "../../src/gateway/index.js";
import { isAlive, repoRoot, STARTUP_TIMEOUT_MS, startAxon, waitFor } from "../helpers/start-axon.js";

const hostScript = fileURLToPath(new URL("./fixtures/gateway-host.mjs", import.meta.url));

interface DeadHost {
  url: string;
  pids: number[];
  socketDir: string;
}

async function startGatewayHost() {
  const host = spawn(process.execPath, [hostScript, repoRoot], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: host.stdout })[Symbol.asyncIterator]();
  const info = JSON.parse((await lines.next()).value as string) as DeadHost;
  return { host, info };
}

describe("a gateway process killed with SIGKILL", () => {
  it(
    "takes every worker with it within 2 s, and a new start over its stale socket directory works",
    async () => {
      const { host, info } = await startGatewayHost();
      expect((await fetch(`${info.url}/healthz`)).status).toBe(200);
      expect(info.pids.every(isAlive)).toBe(true);

      const hostExited = once(host, "exit");
      host.kill("SIGKILL");
      await waitFor(() => info.pids.every((pid) => !isAlive(pid)), 2000);
      // Reaped, as its parent (a shell, systemd) would: a zombie still counts as a live host.
      await hostExited;
      // The host had no chance to remove its sockets.
      expect(existsSync(info.socketDir)).toBe(true);

      const axon = await startAxon({ echo: { module: "examples.agents.echo:agent" } });
      try {
        expect(existsSync(info.socketDir)).toBe(false);
        // Its port is free again too: a new gateway can take it.
        const port = Number(new URL(info.url).port);
        const gateway = await serveGateway({ axon, port });
        const response = await fetch(`${gateway.url}/v1/agents/echo/run`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prompt: "after the fall" }),
        });
        expect(((await response.json()) as { output: string }).output).toBe("after the fall");
        await gateway.close();
      } finally {
        await axon.close();
      }
    },
    STARTUP_TIMEOUT_MS,
  );
});
