// The setups of the latency section (bench/latency.mjs), each able to run one level of slow token
// streams: Axon with 1 and 2 instances, the gateway's SSE path in front of the 1-instance Axon,
// the stdio JSON-lines bridge, and pydantic-ai in one process (the framework limit).
import { serveGateway } from "axon-agents";
import { startAxon } from "./lib/axon-host.mjs";
import { cpuNow } from "./lib/cpu.mjs";
import { startPython, stopPython } from "./lib/python.mjs";
import { sseEvents } from "./lib/sse-events.mjs";
import { measureTokens, TOKEN_DELAY_MS, TOKEN_PROMPT, TOKENS } from "./lib/token-streams.mjs";
import { openStdioBridge } from "./stdio-bridge.mjs";

const SLOW_AGENT = "examples.agents.slow_tokens:agent";

/** @returns {Promise<Array<{ id, label, processes, run(concurrency, streams), stop() }>>} */
export async function startLatencySetups() {
  const setups = [];
  for (const instances of [1, 2]) {
    // maxConcurrency above the ladder's top: every stream is on the wire, none in Axon's queue.
    const axon = await startAxon({ module: SLOW_AGENT, instances, maxConcurrency: 2000, maxQueue: 2000 });
    const pids = () => axon.status().map((worker) => worker.pid);
    const gateway = instances === 1 ? await serveGateway({ axon, port: 0 }) : undefined;
    setups.push({
      id: `axon.${instances}`,
      label: `Axon axon.stream, ${instances} inst`,
      processes: instances,
      run: (c, streams) => measureTokens((prompt) => axon.stream("echo", prompt), c, streams, pids),
      // The gateway first: it ends its open streams before the Axon under it closes.
      stop: async () => {
        await gateway?.close();
        await axon.close();
      },
    });
    if (gateway) setups.push(gatewaySetup(gateway, pids));
  }
  const bridge = await openStdioBridge(SLOW_AGENT);
  setups.push({
    id: "stdio-bridge.1",
    label: "stdio JSON-lines bridge",
    processes: 1,
    run: (c, streams) => measureTokens(bridge.stream, c, streams, () => [bridge.pid]),
    stop: bridge.stop,
  });
  const { child } = await startPython("latency_inprocess.py", ["--agent", SLOW_AGENT]);
  setups.push({
    id: "inprocess.1",
    label: "in-process run_stream_events",
    processes: 1,
    run: (c, streams) => inProcessLevel(child, c, streams),
    stop: () => stopPython(child),
  });
  return setups;
}

/**
 * HTTP client -> `axon serve`'s gateway -> the 1-instance Axon's worker. The client runs in this
 * process too, so the host's CPU and RSS include the client's share (fetch, SSE parsing).
 */
function gatewaySetup(gateway, pids) {
  const url = `${gateway.url}/v1/agents/echo/stream`;
  return {
    id: "gateway.1",
    label: "gateway SSE, 1 inst",
    processes: 1,
    run: (c, streams) => measureTokens((prompt) => sseEvents(url, { prompt }), c, streams, pids),
    stop: async () => {}, // with the Axon under it (above)
  };
}

/** One level in the in-process Python script, CPU read from /proc like every other setup. */
function inProcessLevel(child, concurrency, streams) {
  return new Promise((resolve) => {
    let buffer = "";
    const cpu0 = cpuNow([child.pid]);
    const onData = (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      child.stdout.off("data", onData);
      const answer = JSON.parse(buffer.slice(0, end));
      const cpu = cpuNow([child.pid]);
      resolve({
        ...answer,
        hostCpuMs: 0,
        pythonCpuMs: cpu.python - cpu0.python,
        hostRssDeltaMiB: undefined,
        concurrency,
      });
    };
    child.stdout.on("data", onData);
    const spread = TOKENS * TOKEN_DELAY_MS;
    child.stdin.write(
      `${JSON.stringify({ concurrency, streams, prompt: TOKEN_PROMPT, spread_ms: spread, delay_ms: TOKEN_DELAY_MS })}\n`,
    );
  });
}
