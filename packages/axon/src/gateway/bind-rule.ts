// The bind rule: loopback by default; any other address needs a token, or an explicit
// `insecure` (an open gateway runs code on this machine's agents for anyone who can reach it).
import { isIP } from "node:net";
import { ConfigError } from "../errors/host-errors.js";

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

export function checkBindRule(options: {
  host: string;
  token?: string | undefined;
  insecure?: boolean;
}): void {
  if (isLoopbackHost(options.host) || options.token || options.insecure) return;
  throw new ConfigError({
    message:
      `refusing to serve on ${options.host} without a token: anyone who reaches it could run your agents. ` +
      "Pass --token <secret> (or AXON_TOKEN), or --insecure if the network is trusted.",
    field: "host",
  });
}
