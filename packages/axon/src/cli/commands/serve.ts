import { checkBindRule, serveGateway } from "../../gateway/index.js";
import { type CliIo, UsageError, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";
import { startAxon } from "../start-axon.js";
import { showDemo } from "./demo.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string", default: "4000" },
  token: { type: "string" },
  insecure: { type: "boolean", default: false },
  cors: { type: "string", multiple: true },
  demo: { type: "boolean", default: false },
} as const;

/** `axon serve`: the HTTP gateway and dashboard, until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, []);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  }
  const token = values.token ?? io.env.AXON_TOKEN;
  // Refuse an exposed bind before booting any worker, not after.
  checkBindRule({ host: values.host, token, insecure: values.insecure });
  const axon = await startAxon(values.config, io);
  let gateway: Awaited<ReturnType<typeof serveGateway>>;
  try {
    gateway = await serveGateway({
      axon,
      host: values.host,
      port,
      token,
      insecure: values.insecure,
      corsOrigins: values.cors,
    });
  } catch (error) {
    await axon.close({ timeoutMs: 5_000 });
    throw error;
  }
  // The dashboard reads the token from the URL fragment (never sent to the server) and forgets it.
  const dashboard = token ? `${gateway.url}/#token=${encodeURIComponent(token)}` : `${gateway.url}/`;
  if (values.demo) await showDemo(axon, io);
  writeLine(io.stdout, `\naxon: dashboard at ${dashboard}  (API under ${gateway.url}/v1, Ctrl-C to stop)`);
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
