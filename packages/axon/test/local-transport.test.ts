// Local workers take their runs over frames on their event loop (docs/worker-protocol.md, "Local
// frames"), or over gRPC with `localTransport: "grpc"`; the rest of the suite runs on the default,
// so this file checks that the choice is real and that what frames must carry arrives whole.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type Axon, createAxon, isAxonError, type RunEvent } from "../src/index.js";
import {
  fastSupervisor,
  nextEvent,
  pidOf,
  repoRoot,
  SLOW_START_MS,
  STARTUP_TIMEOUT_MS,
} from "./helpers/start-axon.js";

let axon: Axon | undefined;
afterEach(async () => {
  await axon?.close();
  axon = undefined;
});

const start = async (localTransport?: "frames" | "grpc") => {
  axon = await createAxon(
    {
      supervisor: fastSupervisor,
      startTimeoutMs: SLOW_START_MS,
      python: { cwd: repoRoot },
      agents: {
        echo: { module: "examples.agents.echo:agent" },
        chaos: { module: "examples.agents.chaos:agent" },
      },
      ...(localTransport && { localTransport }),
    },
    { logger: pino({ level: "silent" }) },
  );
  return axon;
};

const texts = async (stream: AsyncIterable<RunEvent>) => {
  const seen: string[] = [];
  for await (const event of stream) if (event.type === "text-delta") seen.push(event.text);
  return seen.join("");
};

describe.each([
  ["frames", undefined],
  ["grpc", "grpc"],
] as const)("local workers on %s", (transport, configured) => {
  it(
    "serve runs, streams, history and typed errors",
    async () => {
      const axon = await start(configured);
      expect(axon.status().map((row) => row.transport)).toEqual([transport, transport]);
      const first = await axon.run("echo", "hello");
      expect(first.output).toBe("hello");
      const next = await axon.run("chaos", "turns", {
        messageHistory: (await axon.run("chaos", "x")).allMessages,
      });
      expect(next.output).toBe("2");
      expect(await texts(axon.stream("echo", "one two three"))).toBe("one two three");
      const error = await axon.run("chaos", "raise").catch((e: unknown) => e);
      expect(isAxonError(error) && error.code).toBe("internal");
      expect(isAxonError(error) && error.pythonType).toBe("ValueError");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "report a worker killed mid-run as crashed, with its signal, and restart it",
    async () => {
      const axon = await start(configured);
      const running = axon.run("chaos", "sleep 30");
      await expect.poll(() => axon.status().find((row) => row.agent === "chaos")?.inFlight).toBe(1);
      const restarted = nextEvent(axon, "worker-restarted");
      process.kill(pidOf(axon, "chaos") as number, "SIGKILL");
      const error = await running.catch((e: unknown) => e);
      expect(isAxonError(error) && error.code).toBe("worker_crashed");
      expect((error as Error).message).toContain("killed by SIGKILL");
      await restarted;
      expect((await axon.run("chaos", "x")).output).toBe("ok");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "cancel a run on the worker when the caller aborts, and keep serving",
    async () => {
      const axon = await start(configured);
      const controller = new AbortController();
      const running = axon.run("chaos", "sleep 30", { signal: controller.signal });
      await expect.poll(() => axon.status().find((row) => row.agent === "chaos")?.inFlight).toBe(1);
      controller.abort();
      const error = await running.catch((e: unknown) => e);
      expect(isAxonError(error) && error.code).toBe("cancelled");
      await expect.poll(() => axon.status().find((row) => row.agent === "chaos")?.inFlight).toBe(0);
      expect((await axon.run("chaos", "x")).output).toBe("ok");
    },
    STARTUP_TIMEOUT_MS,
  );
});
