// No way in: private sockets, a loopback-only gateway unless a token guards it, a token compared
// in constant time, secrets that never reach a log or a response, no shell anywhere, and limits
// on request size and concurrency that hold.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServingGateway, serveGateway } from "../../src/gateway/index.js";
import { type Axon, ConfigError, createAxon, WorkerStartError } from "../../src/index.js";
import { createSocketDir } from "../../src/worker/socket-dir.js";
import { repoRoot, SLOW_START_MS, STARTUP_TIMEOUT_MS } from "../helpers/start-axon.js";

const API_KEY = "sk-axon-test-NEVER-LOG-THIS-0123456789";
const TOKEN = "axon-token-NEVER-LOG-THIS-9876543210";
const src = fileURLToPath(new URL("../../src/", import.meta.url));

let axon: Axon;
let gateway: ServingGateway;
const logs: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    logs.push(String(chunk));
    done();
  },
});

beforeAll(async () => {
  const logger = pino({ level: "trace" }, capture);
  axon = await createAxon(
    {
      python: {
        cwd: repoRoot,
        // A key as a real deployment would have it, and a provider address on loopback where
        // nothing listens: a run on `openai-chat:` fails without reaching any network.
        env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
      },
      agents: { chaos: { module: "examples.agents.chaos:agent", maxConcurrency: 1, maxQueue: 1 } },
      startTimeoutMs: SLOW_START_MS,
    },
    { logger },
  );
  gateway = await serveGateway({ axon, port: 0, token: TOKEN, maxBodyBytes: 4096, logger });
}, STARTUP_TIMEOUT_MS);
afterAll(async () => {
  await gateway?.close();
  await axon?.close();
});

const call = (path: string, body?: unknown, token = TOKEN) =>
  fetch(gateway.url + path, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const mode = (path: string) => statSync(path).mode & 0o777;

describe("worker sockets", () => {
  it("live in a 0700 directory owned by this user, each socket 0600", () => {
    const socket = String(axon.status()[0]?.address).replace(/^unix:/, "");
    expect(mode(dirname(socket))).toBe(0o700);
    expect(mode(dirname(dirname(socket)))).toBe(0o700);
    expect(statSync(dirname(socket)).uid).toBe(process.getuid?.());
    expect(statSync(socket).isSocket()).toBe(true);
    expect(mode(socket)).toBe(0o600);
  });

  it("are never put in a per-user directory that others can enter", () => {
    const root = mkdtempSync(join(tmpdir(), "axon-root-"));
    mkdirSync(join(root, `axon-${process.getuid?.()}`), { mode: 0o755 });
    expect(() => createSocketDir({ root })).toThrow(/not a private directory/);
    // An AxonError, as every failure of the public API: createAxon throws it.
    expect(() => createSocketDir({ root })).toThrow(ConfigError);
  });
});

describe("the gateway's front door", () => {
  it("listens on loopback by default", () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("refuses to listen on an exposed address without a token", async () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10"]) {
      await expect(serveGateway({ axon, host, port: 0 })).rejects.toMatchObject({ code: "config_error" });
    }
  });

  it("compares tokens through fixed-length digests and timingSafeEqual, never with ===", () => {
    const source = readFileSync(join(src, "gateway/bearer-auth.ts"), "utf8");
    expect(source).toMatch(/timingSafeEqual\(digest\(expected\), digest\(presented\)\)/);
    expect(source).not.toMatch(/(token|presented|expected)\s*[!=]==|[!=]==\s*(options\.)?(token|presented)/);
  });

  it("refuses a missing, wrong, longer or shorter token alike, before reading the body", async () => {
    for (const token of ["", "x", TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const response = await call("/v1/agents/chaos/run", { prompt: "hi" }, token);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(TOKEN);
    }
  });
});

describe("secrets", () => {
  it("never appear in error bodies or in the host's logs, even when the provider call fails", async () => {
    const response = await call("/v1/agents/chaos/run", { prompt: "hi", model: "openai-chat:gpt-4o" });
    const body = await response.text();
    expect(response.status).toBeGreaterThanOrEqual(400);
    for (const path of ["/v1/agents", "/metrics", "/openapi.json", "/healthz"]) {
      const text = await (await call(path)).text();
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(TOKEN);
    }
    await call("/v1/agents/chaos/run", { prompt: "raise" });
    const everything = body + logs.join("");
    expect(logs.length).toBeGreaterThan(0);
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(TOKEN);
  });
});

describe("processes", () => {
  it("are never spawned through a shell: no exec, no shell: true, anywhere in the library", () => {
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(
      (f) => f.endsWith(".ts") && !f.startsWith("gen"),
    );
    for (const file of files) {
      const text = readFileSync(join(src, file), "utf8");
      expect(text, file).not.toMatch(/shell:\s*true/);
      const imported = /import\s*\{([^}]*)\}\s*from\s*"(node:)?child_process"/.exec(text)?.[1] ?? "";
      // exec and execSync always go through /bin/sh; execFile does not, but spawn is all we need.
      expect(imported, file).not.toMatch(/\bexec(Sync|File|FileSync)?\b/);
    }
  });

  it("take a Python path with shell metacharacters literally: it is not found, and nothing runs", async () => {
    const marker = join(tmpdir(), `axon-pwned-spawn-${process.pid}`);
    const error = await createAxon(
      {
        python: { cwd: repoRoot, executable: `python3; touch ${marker}` },
        agents: { echo: { module: "examples.agents.echo:agent" } },
      },
      { logger: pino({ level: "silent" }) },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(() => statSync(marker)).toThrow();
  });
});

describe("limits", () => {
  it("refuse a body over maxBodyBytes with a 413", async () => {
    const response = await call("/v1/agents/chaos/run", { prompt: "x".repeat(5000) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });

  it("answer 429 once the worker's slots and the queue are full, and serve again after", async () => {
    const first = call("/v1/agents/chaos/run", { prompt: "sleep 1" });
    await expect.poll(() => axon.status()[0]?.inFlight).toBe(1);
    const second = call("/v1/agents/chaos/run", { prompt: "hello" });
    await expect.poll(() => axon.status()[0]?.queued).toBe(1);
    const third = await call("/v1/agents/chaos/run", { prompt: "hello" });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("1");
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await call("/v1/agents/chaos/run", { prompt: "hello" })).status).toBe(200);
  });
});
