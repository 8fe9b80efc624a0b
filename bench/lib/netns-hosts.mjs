// "Hosts" on one machine, for the proof of remote pools (packages/axon/test/remote/
// netns-scale-out.test.ts) and the bench's scaling rows (bench/remote.mjs): network namespaces
// joined to the root namespace by veth pairs, each with its own address from the benchmarking
// range 198.18.0.0/15 (RFC 2544). The namespaces have no default route, and each subnet has an
// `unreachable` route in the root namespace under its link's, so that while a link is cut
// nothing goes out through the machine's own default route either. Needs root and `ip` (iproute2).
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot, venvPython } from "./python.mjs";

/** The port every host's worker listens on. */
export const WORKER_PORT = 50051;
// Below the connected route of a link that is up (metric 0), above nothing else.
const GUARD_METRIC = "4096";

const ip = (...args) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
const tryIp = (...args) => {
  try {
    return ip(...args);
  } catch {
    return "";
  }
};

/** Why hosts in network namespaces cannot be made here, or undefined when they can. */
export function netnsUnavailable(prefix) {
  if (process.platform !== "linux") return "network namespaces are Linux only";
  if (process.getuid?.() !== 0) return "creating network namespaces needs root";
  const probe = `${prefix}-probe`;
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
  } catch {
    return "the openssl CLI is missing (certificates are made at test time)";
  }
  try {
    tryIp("netns", "del", probe);
    ip("netns", "add", probe);
    ip("netns", "del", probe);
  } catch (error) {
    return `\`ip netns add\` does not work here: ${String(error.stderr || error.message).trim()}`;
  }
  return undefined;
}

/**
 * Removes every namespace, link and guard route of `prefix` (and the processes still running in
 * those namespaces, started by an earlier run that crashed): safe to call at any time, twice.
 */
export function removeHosts({ prefix, subnet = 0 }) {
  const mine = new RegExp(`^${prefix}-h\\d+$`);
  for (const line of tryIp("netns", "list").split("\n")) {
    const name = line.split(" ")[0];
    if (!mine.test(name)) continue;
    for (const pid of tryIp("netns", "pids", name).split("\n").filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {}
    }
    tryIp("netns", "del", name);
  }
  // Deleting a namespace deletes the veth end inside it, and with it the pair; this is for a link
  // whose namespace is already gone or was never made.
  for (const line of tryIp("-o", "link", "show").split("\n")) {
    const name = line.split(": ")[1]?.split("@")[0];
    if (name && mine.test(name)) tryIp("link", "del", name);
  }
  for (let n = subnet + 1; n <= subnet + 9; n++) {
    tryIp("route", "del", "unreachable", `198.18.${n}.0/30`, "metric", GUARD_METRIC);
  }
}

/**
 * Creates `count` hosts after removing leftovers of `prefix`. Host N (from 1) is the namespace
 * `<prefix>-hN` with `eth0` at 198.18.<subnet+N>.2/30, joined to the root namespace's link
 * `<prefix>-hN` at .1/30. `cut()` / `restore()` set the root side down / up.
 * @returns {{ name: string, netns: string, link: string, address: string, cut(): void, restore(): void }[]}
 */
export function createHosts({ prefix, count, subnet = 0 }) {
  removeHosts({ prefix, subnet });
  const hosts = [];
  try {
    for (let i = 1; i <= count; i++) {
      const name = `h${i}`;
      const netns = `${prefix}-${name}`;
      const link = netns;
      const net = `198.18.${subnet + i}`;
      ip("netns", "add", netns);
      ip("link", "add", link, "type", "veth", "peer", "name", `${link}p`, "netns", netns);
      ip("-n", netns, "link", "set", `${link}p`, "name", "eth0");
      ip("-n", netns, "addr", "add", `${net}.2/30`, "dev", "eth0");
      ip("-n", netns, "link", "set", "lo", "up");
      ip("-n", netns, "link", "set", "eth0", "up");
      ip("addr", "add", `${net}.1/30`, "dev", link);
      ip("link", "set", link, "up");
      ip("route", "add", "unreachable", `${net}.0/30`, "metric", GUARD_METRIC);
      hosts.push({
        name,
        netns,
        link,
        address: `${net}.2`,
        cut: () => ip("link", "set", link, "down"),
        restore: () => ip("link", "set", link, "up"),
      });
    }
  } catch (error) {
    removeHosts({ prefix, subnet });
    throw error;
  }
  return hosts;
}

/**
 * A CA and one server certificate for `addresses` (IP SANs; a name such as `localhost` becomes a
 * DNS SAN), made with the openssl CLI in `dir`.
 * EC P-256 keys: quick to make, and what grpc (BoringSSL) and Python's ssl both take.
 * @returns {{ ca: string, cert: string, key: string }} PEM file paths
 */
export function makeCertificates(dir, addresses) {
  const file = (name) => join(dir, name);
  const openssl = (...args) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    ...["req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "1"],
    ...["-subj", "/CN=axon test CA", "-addext", "basicConstraints=critical,CA:TRUE"],
    ...["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
  );
  openssl(
    "req",
    ...ec,
    "-keyout",
    file("worker.key"),
    "-out",
    file("worker.csr"),
    "-subj",
    "/CN=axon-worker",
  );
  writeFileSync(
    file("worker.ext"),
    [
      `subjectAltName=${addresses.map((a) => (/^[\d.:]+$/.test(a) ? `IP:${a}` : `DNS:${a}`)).join(",")}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  openssl(
    ...["x509", "-req", "-in", file("worker.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key")],
    ...["-CAcreateserial", "-days", "1", "-extfile", file("worker.ext"), "-out", file("worker.crt")],
  );
  return { ca: file("ca.crt"), cert: file("worker.crt"), key: file("worker.key") };
}

/**
 * Starts `python -m axon_worker --listen <address>:<port>` inside the host's namespace, the way a
 * pod's worker is started (not by Axon's supervisor), and resolves on its `ready` control
 * message. A refused start rejects with an Error carrying `exitCode` and the `fatal` message
 * (`message`, `hint`). The worker exits when this process's end of its stdin closes.
 * @param {{ address: string, netns: string }} host
 * @param {{ agent: string, cwd?: string, port?: number, tls?: { cert: string, key: string },
 *   token?: string, env?: Record<string, string>, args?: string[], timeoutMs?: number }} options
 * @returns {Promise<{ address: string, pid: number, stop(): Promise<void> }>}
 */
export function startNetnsWorker(host, options) {
  const listen = `${host.address}:${options.port ?? WORKER_PORT}`;
  const argv = ["-m", "axon_worker", "--agent", options.agent, "--listen", listen, "--control-fd", "3"];
  if (options.tls) argv.push("--tls-cert", options.tls.cert, "--tls-key", options.tls.key);
  // A short grace: a test's or the bench's end should not wait for runs it no longer reads.
  argv.push("--grace", "2", ...(options.args ?? []));
  const env = { ...process.env, PYTHONUNBUFFERED: "1", ...options.env };
  if (options.token) env.AXON_WORKER_TOKEN = options.token;
  else delete env.AXON_WORKER_TOKEN;
  // `ip netns exec` execs the command in place: the child's pid is the worker's.
  const child = spawn("ip", ["netns", "exec", host.netns, venvPython, ...argv], {
    cwd: options.cwd ?? repoRoot,
    env,
    stdio: ["pipe", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    let fatal;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`the worker in ${host.netns} was not ready within ${options.timeoutMs} ms\n${stderr}`),
      );
    }, options.timeoutMs ?? 120_000);
    const lines = createInterface({ input: child.stdio[3] });
    lines.on("line", (line) => {
      const message = JSON.parse(line);
      if (message.type === "fatal") fatal = message;
      if (message.type !== "ready") return;
      clearTimeout(timer);
      resolve({
        address: listen,
        pid: child.pid,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
    void exited.then((exitCode) => {
      clearTimeout(timer);
      const why = fatal ? `${fatal.message} (hint: ${fatal.hint})` : stderr;
      const error = new Error(`the worker in ${host.netns} exited (${exitCode}) before ready: ${why}`);
      reject(Object.assign(error, { exitCode, fatal }));
    });
  });
}
