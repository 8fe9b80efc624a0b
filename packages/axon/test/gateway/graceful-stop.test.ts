// Stopping without losing work: SIGTERM/SIGINT to a real `axon serve` process, and `close()` in
// the library, with real workers (the `chaos` agent's `sleep N` keeps a run in flight N s).
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Axon } from "../../src/index.js";
import { pidOf, STARTUP_TIMEOUT_MS, startAxon, waitFor } from "../helpers/start-axon.js";
import {
  CHAOS_CONFIG,
  eventually,
  freePort,
  inFlight,
  postRun,
  postStream,
  type ServeProcess,
  servingUrl,
  spawnServe,
} from "./serve-process.js";

let serving: ServeProcess | undefined;
afterEach(() => {
  if (serving?.child.exitCode === null) serving.child.kill("SIGKILL");
  serving = undefined;
});

const healthz = (url: string) =>
  fetch(`${url}/healthz`).then(async (r) => ({ status: r.status, body: await r.json() }));
const shuttingDown = { code: "agent_unavailable", retryable: true, shuttingDown: true };

describe("axon serve on SIGTERM", () => {
  it(
    "lets a run and a stream in flight finish with 200, refuses new work with 503 + Retry-After, and exits 0",
    async () => {
      serving = spawnServe(["--port", "0", "--config", CHAOS_CONFIG]);
      const url = await servingUrl(serving);
      const run = postRun(url, "chaos", "sleep 3");
      const stream = postStream(url, "chaos", "sleep 3");
      await eventually(async () => (await inFlight(url, "chaos")) === 2);

      serving.child.kill("SIGTERM");
      await eventually(async () => (await healthz(url)).status === 503, 5000);
      expect((await healthz(url)).body).toMatchObject({ ok: false, state: "draining" });
      const refused = await postRun(url, "chaos", "hello");
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.body.error).toMatchObject(shuttingDown);

      expect(await run).toMatchObject({ status: 200, body: { output: "slept 3" } });
      const streamed = await stream;
      expect(streamed.events.at(-1)).toBe("result");
      expect(streamed.last).toMatchObject({ type: "result", result: { output: "slept 3" } });
      expect(await serving.exit).toBe(0);
      expect(serving.stderr()).toContain("axon: stopping");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "cuts what is still in flight when --grace ends, with 503 shutting down (not worker_crashed), and exits 0",
    async () => {
      serving = spawnServe(["--port", "0", "--grace", "1000", "--config", CHAOS_CONFIG]);
      const url = await servingUrl(serving);
      const run = postRun(url, "chaos", "sleep 60");
      const stream = postStream(url, "chaos", "sleep 60");
      await eventually(async () => (await inFlight(url, "chaos")) === 2);

      const signalled = Date.now();
      serving.child.kill("SIGTERM");
      const cut = await run;
      expect(cut.status).toBe(503);
      expect(cut.body.error).toMatchObject({ ...shuttingDown, agent: "chaos" });
      expect(cut.body.error?.graceMs).toBeGreaterThanOrEqual(1000);
      const streamed = await stream;
      expect(streamed.events.at(-1)).toBe("error");
      expect(streamed.last.error).toMatchObject(shuttingDown);
      expect(await serving.exit).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(20_000);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "cuts what is left at once on a second signal, and still exits 0",
    async () => {
      serving = spawnServe(["--port", "0", "--config", CHAOS_CONFIG]);
      const url = await servingUrl(serving);
      const run = postRun(url, "chaos", "sleep 60");
      await eventually(async () => (await inFlight(url, "chaos")) === 1);

      serving.child.kill("SIGTERM");
      await eventually(async () => (await healthz(url)).status === 503, 5000);
      // A moment later: a copy of the first signal (within 250 ms) would count as the same stop.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const secondSignal = Date.now();
      serving.child.kill("SIGINT");
      const cut = await run;
      expect(Date.now() - secondSignal).toBeLessThan(5000);
      expect(cut.status).toBe(503);
      expect(cut.body.error).toMatchObject(shuttingDown);
      expect(await serving.exit).toBe(0);
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("axon serve on Ctrl-C under `npm start`", () => {
  it(
    "takes the SIGINT that arrives twice at once (the terminal's and npm's copy) as one graceful stop",
    async () => {
      serving = spawnServe(["--port", "0", "--config", CHAOS_CONFIG]);
      const url = await servingUrl(serving);
      const run = postRun(url, "chaos", "sleep 2");
      await eventually(async () => (await inFlight(url, "chaos")) === 1);

      serving.child.kill("SIGINT");
      serving.child.kill("SIGINT");
      expect(await run).toMatchObject({ status: 200, body: { output: "slept 2" } });
      expect(await serving.exit).toBe(0);
      expect(serving.stderr()).not.toContain("second signal");
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("axon serve's port", () => {
  it(
    "answers 503 `starting` with Retry-After while its workers boot",
    async () => {
      const port = await freePort();
      serving = spawnServe(["--port", String(port), "--config", CHAOS_CONFIG]);
      const url = `http://127.0.0.1:${port}`;
      let early: Response | undefined;
      await eventually(async () => {
        early = await fetch(`${url}/healthz`);
        return true;
      });
      // The port answers before the workers are ready (their boot takes seconds).
      expect(serving.stdout()).not.toContain("dashboard at");
      expect(early?.status).toBe(503);
      expect(early?.headers.get("retry-after")).toBe("1");
      expect(await early?.json()).toMatchObject({ ok: false, state: "starting" });
      await servingUrl(serving);
      expect((await healthz(url)).status).toBe(200);
    },
    STARTUP_TIMEOUT_MS,
  );

  it("fails before any worker boots when it is taken, as `config_error: message`", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      serving = spawnServe(["--port", String(port), "--config", CHAOS_CONFIG]);
      expect(await serving.exit).toBe(1);
      expect(serving.stderr()).toMatch(
        new RegExp(`^config_error: cannot listen on 127\\.0\\.0\\.1:${port}: the port is taken`, "m"),
      );
      expect(serving.stderr()).not.toContain("starting chaos");
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe("axon.close() in the library", () => {
  let axon: Axon | undefined;
  afterEach(async () => {
    await axon?.close({ graceMs: 0 });
    axon = undefined;
  });

  it(
    "lets a run finish within the grace period and cuts a longer one at its end with ShuttingDownError",
    async () => {
      axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent" } });
      const short = axon.run("chaos", "sleep 1");
      const long = axon.run("chaos", "sleep 60").catch((error) => error);
      const running = axon;
      await waitFor(() => running.status()[0]?.inFlight === 2);

      const closing = axon.close({ graceMs: 3000 });
      await expect(axon.run("chaos", "hello")).rejects.toMatchObject({ name: "ShuttingDownError" });
      expect((await short).output).toBe("slept 1");
      const cut = await long;
      expect(cut).toMatchObject({ name: "ShuttingDownError", ...shuttingDown, agent: "chaos" });
      expect(cut.graceMs).toBeGreaterThanOrEqual(3000);
      await closing;
      expect(axon.status().every((worker) => worker.state === "stopped")).toBe(true);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "cuts at once when called again with graceMs 0, and a streamed run ends with the same error",
    async () => {
      axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent" } });
      const stream = axon.stream("chaos", "sleep 60");
      const events = (async () => {
        for await (const _ of stream) {
          // read to the end
        }
      })().catch((error) => error);
      const running = axon;
      await waitFor(() => running.status()[0]?.inFlight === 1);

      const closing = axon.close();
      const hurried = Date.now();
      void axon.close({ graceMs: 0 });
      expect(await events).toMatchObject({ name: "ShuttingDownError", ...shuttingDown });
      await closing;
      expect(Date.now() - hurried).toBeLessThan(5000);
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "reports a worker that dies under a run during the drain as ShuttingDownError, not worker_crashed",
    async () => {
      axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent" } });
      const run = axon.run("chaos", "sleep 60").catch((error) => error);
      const running = axon;
      await waitFor(() => running.status()[0]?.inFlight === 1);

      const closing = axon.close({ graceMs: 30_000 });
      // As Ctrl-C in a terminal (or systemd's default KillMode) signals the workers too.
      process.kill(pidOf(axon, "chaos") as number, "SIGKILL");
      expect(await run).toMatchObject({ name: "ShuttingDownError", ...shuttingDown, agent: "chaos" });
      await closing;
    },
    STARTUP_TIMEOUT_MS,
  );
});
