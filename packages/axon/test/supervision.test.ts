import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentUnavailableError, type Axon, WorkerCrashedError } from "../src/index.js";
import { isAlive, nextEvent, pidOf, STARTUP_TIMEOUT_MS, startAxon, waitFor } from "./helpers/start-axon.js";

describe("a worker killed with SIGKILL while serving", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon({
      chaos: { module: "examples.agents.chaos:agent", maxConcurrency: 1 },
      echo: { module: "examples.agents.echo:agent" },
    });
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it(
    "fails only its in-flight runs, serves the queued ones after the restart, and counts one restart",
    async () => {
      const chaosPid = pidOf(axon, "chaos");
      const echoPid = pidOf(axon, "echo");
      const sleeping = nextEvent(axon, "log", (r) => r.message.includes("sleeping"));
      const stream = axon.stream("chaos", "sleep 30");
      const events: string[] = [];
      const consumed = (async () => {
        for await (const event of stream) events.push(event.type);
      })();
      await sleeping;
      const queued = axon.run<string>("chaos", "hello");
      expect(axon.status()[0]?.queued).toBe(1);
      const restarted = nextEvent(axon, "worker-restarted");
      const exited = nextEvent(axon, "worker-exited");
      process.kill(chaosPid as number, "SIGKILL");

      const error = await consumed.catch((e) => e);
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect(error).toMatchObject({ retryable: true, signal: "SIGKILL", exitCode: null, agent: "chaos" });
      await expect(stream.result).rejects.toBe(error);
      expect(await exited).toMatchObject({ agent: "chaos", signal: "SIGKILL", expected: false });

      expect((await queued).output).toBe("ok");
      expect(await restarted).toMatchObject({ agent: "chaos", instance: 0, restarts: 1 });
      const [chaos, echo] = axon.status();
      expect(chaos).toMatchObject({ state: "ready", restarts: 1, inFlight: 0 });
      expect(chaos?.pid).not.toBe(chaosPid);
      expect(echo).toMatchObject({ state: "ready", restarts: 0, pid: echoPid });
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "restarts every worker of an agent on request",
    async () => {
      const before = pidOf(axon, "echo");
      await axon.restart("echo");
      expect(pidOf(axon, "echo")).not.toBe(before);
      expect(isAlive(before)).toBe(false);
      expect((await axon.run("echo", "back")).output).toBe("back");
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("an agent that exceeds its restart intensity", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon(
      { chaos: { module: "examples.agents.chaos:agent" } },
      {
        supervisor: {
          maxRestarts: 1,
          withinMs: 10_000,
          backoff: { initialMs: 1500, maxMs: 5000, jitter: 0 },
        },
      },
    );
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it(
    "is marked failed, fails runs fast, then comes back after its backoff",
    async () => {
      const failed = nextEvent(axon, "agent-failed");
      await expect(axon.run("chaos", "crash")).rejects.toBeInstanceOf(WorkerCrashedError);
      await waitFor(() => axon.status()[0]?.state === "ready");
      await expect(axon.run("chaos", "crash")).rejects.toBeInstanceOf(WorkerCrashedError);
      expect(await failed).toMatchObject({ agent: "chaos", retryInMs: 1500 });
      expect(axon.status()[0]?.state).toBe("failed");

      const started = Date.now();
      const error = await axon.run("chaos", "hello").catch((e) => e);
      expect(error).toBeInstanceOf(AgentUnavailableError);
      expect(error.message).toContain("restarted more than 1 times");
      expect(Date.now() - started).toBeLessThan(100);

      await waitFor(() => axon.status()[0]?.state === "ready");
      expect((await axon.run("chaos", "hello")).output).toBe("ok");
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("close()", () => {
  it(
    "lets in-flight runs finish, stops every worker and removes the sockets",
    async () => {
      const axon = await startAxon({ chaos: { module: "examples.agents.chaos:agent" } });
      const pid = pidOf(axon, "chaos");
      const address = axon.status()[0]?.address as string;
      const sleeping = nextEvent(axon, "log", (r) => r.message.includes("sleeping"));
      const run = axon.run<string>("chaos", "sleep 0.5");
      await sleeping;
      await axon.close({ timeoutMs: 5000 });
      expect((await run).output).toBe("slept 0.5");
      expect(isAlive(pid)).toBe(false);
      const { existsSync } = await import("node:fs");
      expect(existsSync(address.replace(/^unix:/, ""))).toBe(false);
      await expect(axon.run("chaos", "hello")).rejects.toBeInstanceOf(AgentUnavailableError);
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("restart types", () => {
  let axon: Axon;
  beforeAll(async () => {
    axon = await startAxon({
      once: { module: "examples.agents.chaos:agent", restart: "temporary" },
      again: { module: "examples.agents.chaos:agent", restart: "transient" },
    });
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => axon?.close());

  it("never restarts a temporary worker, and fails its agent's runs once none is left", async () => {
    await expect(axon.run("once", "crash")).rejects.toBeInstanceOf(WorkerCrashedError);
    await waitFor(() => axon.status()[0]?.state === "stopped");
    const error = await axon.run("once", "hello").catch((e) => e);
    expect(error).toBeInstanceOf(AgentUnavailableError);
    expect(error.message).toContain("every worker has stopped");
  });

  it(
    "restarts a transient worker after a crash",
    async () => {
      const restarted = nextEvent(axon, "worker-restarted", (e) => e.agent === "again");
      await expect(axon.run("again", "crash")).rejects.toBeInstanceOf(WorkerCrashedError);
      await restarted;
      expect((await axon.run("again", "hello")).output).toBe("ok");
    },
    STARTUP_TIMEOUT_MS,
  );
});
