// Section `remote`: axon.run through a remote pool over 1, 2 and 3 hosts, measured side by side,
// so the scaling ratio is one run's numbers. The hosts are network namespaces on this machine
// (bench/lib/netns-hosts.mjs, shared with test/remote/netns-scale-out.test.ts), each running a
// worker the way a pod does: TLS with certificates made at start, a token, TCP over a veth pair.
// They share this machine's cores with the host, so the ratio says what the host and the
// transport allow, not what separate machines would. Needs root; without it, says why and skips.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAxon } from "axon-agents";
import {
  createHosts,
  makeCertificates,
  netnsUnavailable,
  removeHosts,
  startNetnsWorker,
} from "./lib/netns-hosts.mjs";
import { UNARY_PROMPT } from "./lib/params.mjs";
import { nodeSetup } from "./lib/setup.mjs";

// Names and subnets of their own (the test uses `axt` and 198.18.1-3), so neither removes the other's.
const PREFIX = "axb";
const SUBNET = 10;
const HOSTS = 3;
const TOKEN_ENV = "AXON_BENCH_WORKER_TOKEN";

/** Starts 3 hosts with a worker each and one Axon per pool size (1, 2, 3 hosts): 3 setups. */
export async function startRemoteHosts(p) {
  const unavailable = netnsUnavailable(PREFIX);
  if (unavailable) {
    console.error(`[bench] remote: skipped, ${unavailable} (run the bench as root to measure it)`);
    return { setups: [], rss: () => ({}), stop: async () => {} };
  }
  const hosts = createHosts({ prefix: PREFIX, count: HOSTS, subnet: SUBNET });
  const certDir = mkdtempSync(join(tmpdir(), "axon-bench-tls-"));
  const workers = [];
  const axons = [];
  const stop = async () => {
    try {
      await Promise.all(axons.map((axon) => axon.close()));
      await Promise.all(workers.map((worker) => worker.stop()));
    } finally {
      removeHosts({ prefix: PREFIX, subnet: SUBNET });
      rmSync(certDir, { recursive: true, force: true });
    }
  };
  try {
    const certs = makeCertificates(
      certDir,
      hosts.map((host) => host.address),
    );
    const token = `bench-${process.pid}-${Date.now()}`;
    process.env[TOKEN_ENV] = token;
    const agent = `echo=${p.agentSpec}`;
    workers.push(
      ...(await Promise.all(hosts.map((host) => startNetnsWorker(host, { agent, tls: certs, token })))),
    );
    const setups = [];
    for (let n = 1; n <= HOSTS; n++) {
      const serving = workers.slice(0, n);
      // Defaults for everything else (keepalive, health checks): the pool as a user configures it.
      const axon = await createAxon({
        agents: {
          echo: {
            remote: {
              targets: serving.map((w) => w.address),
              tls: { ca: certs.ca },
              token: { env: TOKEN_ENV },
            },
            maxConcurrency: 1000,
          },
        },
      });
      axons.push(axon);
      setups.push(
        nodeSetup({
          id: `remote.${n}.run`,
          label: "Axon axon.run, remote hosts (netns, TLS + token)",
          processes: n,
          op: "run",
          call: () => axon.run("echo", UNARY_PROMPT),
          pids: () => serving.map((w) => w.pid),
        }),
      );
    }
    return { setups, rss: () => ({}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
