import { serveGateway } from "../../gateway/index.js";
import { type CliIo, UsageError, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";
import { startAxon } from "../start-axon.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string", default: "4000" },
  token: { type: "string" },
  insecure: { type: "boolean", default: false },
} as const;

/** `axon serve`: the HTTP gateway and dashboard, until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, []);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  }
  const token = values.token ?? io.env.AXON_TOKEN;
  const axon = await startAxon(values.config, io);
  let gateway: Awaited<ReturnType<typeof serveGateway>>;
  try {
    gateway = await serveGateway({ axon, host: values.host, port, token, insecure: values.insecure });
  } catch (error) {
    await axon.close({ timeoutMs: 5_000 });
    throw error;
  }
  writeLine(io.stdout, `axon: dashboard and API at ${gateway.url}  (Ctrl-C to stop)`);
  await waitForStopSignal();
  writeLine(io.stderr, "axon: stopping ...");
  await gateway.close();
  await axon.close({ timeoutMs: 10_000 });
  return 0;
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
