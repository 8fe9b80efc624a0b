// Why the gateway could not listen, as a `ConfigError` naming the field to change: the CLI prints
// it as `config_error: ...` like any other mistake in how it was started.
import { ConfigError } from "../errors/host-errors.js";

/** The typed error for a failed `listen`; anything but the address's own fault stays as it is. */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): unknown {
  const where = `${host}:${port}`;
  switch (error.code) {
    case "EADDRINUSE":
      return new ConfigError({
        message: `cannot listen on ${where}: the port is taken by another process; choose another port (--port), or stop that process`,
        field: "port",
        cause: error,
      });
    case "EACCES":
      return new ConfigError({
        message: `cannot listen on ${where}: not allowed (ports below 1024 need privileges); choose another port (--port)`,
        field: "port",
        cause: error,
      });
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new ConfigError({
        message: `cannot listen on ${where}: ${host} is not an address of this machine (--host)`,
        field: "host",
        cause: error,
      });
    default:
      return error;
  }
}
