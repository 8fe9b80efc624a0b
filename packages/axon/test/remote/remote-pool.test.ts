// Agents served by workers Axon does not spawn: real workers on TCP (as pods would run them),
// reached through a remote pool with a token. Runs spread over the members, a member that fails
// its health checks leaves routing and comes back, and local and remote members mix.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCertificates } from "../../../../bench/lib/netns-hosts.mjs";
import { type Axon, isAxonError } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon, waitFor } from "../helpers/start-axon.js";
import { type NetworkWorker, startNetworkWorker } from "./network-worker.js";

const token = "remote-pool-token";
process.env.AXON_TEST_WORKER_TOKEN = token;
const workers: NetworkWorker[] = [];
let axon: Axon;

beforeAll(async () => {
  workers.push(...(await Promise.all([startNetworkWorker({ token }), startNetworkWorker({ token })])));
  axon = await startAxon(
    {
      echo: {
        remote: {
          targets: workers.map((worker) => worker.address),
          token: { env: "AXON_TEST_WORKER_TOKEN" },
          insecure: true, // loopback in a test; TLS is tested with the worker (test_network.py)
        },
        maxConcurrency: 4,
      },
    },
    { supervisor: { healthCheck: { intervalMs: 200, timeoutMs: 300, failures: 2 } } },
  );
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
  await Promise.all(workers.map((worker) => worker.stop()));
});

const members = () => axon.status().filter((row) => row.kind === "remote");

describe("a remote pool", () => {
  it("has one member per target, ready, in status()", () => {
    expect(members().map((row) => [row.state, row.address])).toEqual(
      workers.map((w) => ["ready", w.address]),
    );
    expect(members().every((row) => row.pid === undefined)).toBe(true);
  });

  it("spreads concurrent runs over its members (least in flight)", async () => {
    const seen = new Set<string>();
    const watch = setInterval(() => {
      for (const row of members()) if (row.inFlight > 0) seen.add(row.address ?? "");
    }, 5);
    const prompts = Array.from({ length: 16 }, (_, i) => `${"word ".repeat(3000)}${i}`);
    const outputs = await Promise.all(prompts.map((prompt) => axon.run<string>("echo", prompt)));
    clearInterval(watch);
    expect(outputs.map((result) => result.output)).toEqual(prompts);
    expect(seen.size).toBe(2);
  });

  it("shows its members on /metrics and /v1/agents with their address", async () => {
    const { serveGateway } = await import("../../src/gateway/index.js");
    const gateway = await serveGateway({ axon, port: 0 });
    try {
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      for (const worker of workers) {
        expect(metrics).toContain(`axon_worker_up{agent="echo",instance="`);
        expect(metrics).toContain(`kind="remote",address="${worker.address}"} 1`);
      }
      const body = (await (await fetch(`${gateway.url}/v1/agents`)).json()) as {
        agents: { name: string; state: string; workers: { kind: string; address: string }[] }[];
      };
      expect(body.agents[0]).toMatchObject({ name: "echo", state: "ready" });
      expect(body.agents[0]?.workers.map((w) => [w.kind, w.address])).toEqual(
        workers.map((w) => ["remote", w.address]),
      );
    } finally {
      await gateway.close();
    }
  });

  it("describes its agent from a remote worker (agents() has the schemas)", async () => {
    const [info] = await axon.agents();
    expect(info?.name).toBe("echo");
  });

  it(
    "takes a member that stops answering health checks out of routing, and back when it answers",
    async () => {
      const [stalled, other] = workers as [NetworkWorker, NetworkWorker];
      stalled.process.kill("SIGSTOP");
      try {
        await waitFor(() => members().some((row) => row.state === "unhealthy"), 10_000);
        const unhealthy = members().find((row) => row.state === "unhealthy");
        expect(unhealthy?.address).toBe(stalled.address);
        // Counted for status() and axon_worker_health_check_failures_total.
        expect(unhealthy?.healthCheckFailures).toBeGreaterThanOrEqual(2);
        // Every run now lands on the healthy member and succeeds.
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => axon.run<string>("echo", `while stalled ${i}`)),
        );
        expect(results.map((r) => r.output)).toEqual(
          Array.from({ length: 6 }, (_, i) => `while stalled ${i}`),
        );
        expect(members().find((row) => row.address === other.address)?.state).toBe("ready");
      } finally {
        stalled.process.kill("SIGCONT");
      }
      await waitFor(() => members().every((row) => row.state === "ready"), 10_000);
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("a remote worker's token", () => {
  it("refused when wrong, with a clear error naming authorization", async () => {
    const [worker] = workers as [NetworkWorker];
    process.env.AXON_TEST_WRONG_TOKEN = "not-the-token";
    const wrong = await startAxon({
      echo: {
        remote: { targets: [worker.address], token: { env: "AXON_TEST_WRONG_TOKEN" }, insecure: true },
      },
    });
    try {
      const error = await wrong.run("echo", "hi").catch((e: unknown) => e);
      expect(isAxonError(error) && error.code).toBe("invalid_request");
      expect(error).toMatchObject({ field: "authorization", retryable: false });
    } finally {
      await wrong.close();
    }
  });

  it("whose environment variable is unset fails createAxon with a ConfigError naming it", async () => {
    const error = await startAxon({
      echo: {
        remote: { targets: ["127.0.0.1:9"], token: { env: "AXON_TEST_NO_SUCH_TOKEN" }, insecure: true },
      },
    }).catch((e: unknown) => e);
    expect(isAxonError(error) && error.code).toBe("config_error");
    expect((error as Error).message).toContain("AXON_TEST_NO_SUCH_TOKEN is not set");
  });
});

describe("a remote pool over TLS", () => {
  it(
    "verifies a dns:/// member's certificate against the name it resolved, not the address it dials",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "axon-tls-"));
      // Like a pod's certificate: it names the Service, never the pod's IP.
      const { ca, cert, key } = makeCertificates(dir, ["localhost"]);
      const worker = await startNetworkWorker({ token, args: ["--tls-cert", cert, "--tls-key", key] });
      const port = worker.address.split(":").at(-1);
      const tlsAxon = await startAxon({
        echo: {
          remote: {
            targets: [`dns:///localhost:${port}`],
            tls: { ca },
            token: { env: "AXON_TEST_WORKER_TOKEN" },
          },
        },
      });
      try {
        expect(tlsAxon.status().map((row) => row.address)).toEqual([`127.0.0.1:${port}`]);
        expect((await tlsAxon.run<string>("echo", "over tls")).output).toBe("over tls");
      } finally {
        await tlsAxon.close();
        await worker.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    STARTUP_TIMEOUT_MS,
  );
});

describe("a remote pool in the config", () => {
  it("needs tls, or insecure: true said out loud", async () => {
    const error = await startAxon({ echo: { remote: { targets: ["10.1.2.3:50051"] } } }).catch(
      (e: unknown) => e,
    );
    expect(isAxonError(error) && error.code).toBe("config_error");
    expect((error as Error).message).toContain("remote workers need `tls`");
  });

  it(
    "mixes with local workers in one agent",
    async () => {
      const [worker] = workers as [NetworkWorker];
      const mixed = await startAxon({
        echo: {
          module: "examples.agents.echo:agent",
          remote: { targets: [worker.address], token: { env: "AXON_TEST_WORKER_TOKEN" }, insecure: true },
        },
      });
      try {
        expect(mixed.status().map((row) => [row.kind, row.state])).toEqual([
          ["local", "ready"],
          ["remote", "ready"],
        ]);
        expect((await mixed.run<string>("echo", "mixed")).output).toBe("mixed");
      } finally {
        await mixed.close();
      }
    },
    STARTUP_TIMEOUT_MS,
  );
});
