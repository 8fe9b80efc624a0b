import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createAxon, WorkerStartError } from "../src/index.js";
import { PROTOCOL_VERSION, parseControlMessage } from "../src/worker/control-message.js";
import { isAlive, repoRoot } from "./helpers/start-axon.js";

const scratch = mkdtempSync(join(tmpdir(), "axon-protocol-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A stand-in worker (a shell script in Python's place) that announces `ready` with `protocol`
 * (left out when undefined) on the control fd, records its pid, then waits to be killed.
 */
function fakeWorker(protocol: number | undefined): { python: string; pidFile: string } {
  const pidFile = join(scratch, `pid-${protocol}`);
  const field = protocol === undefined ? "" : `"protocol":${protocol},`;
  const ready = `{"type":"ready",${field}"address":"unix:${scratch}/none.sock","pid":%d,"agents":["echo"],"versions":{"axon_worker":"0.0.9"}}`;
  const python = join(scratch, `python-protocol-${protocol}`);
  writeFileSync(python, `#!/bin/sh\necho $$ > '${pidFile}'\nprintf '${ready}\\n' $$ >&3\nexec sleep 60\n`);
  chmodSync(python, 0o755);
  return { python, pidFile };
}

const start = (python: string) =>
  createAxon(
    {
      python: { cwd: repoRoot, executable: python },
      agents: { echo: { module: "examples.agents.echo:agent" } },
    },
    { logger: pino({ level: "silent" }) },
  );

describe("the protocol version of the readiness handshake", () => {
  it("refuses a worker that announces no protocol version (one older than the check), saying how to fix it", async () => {
    const { python, pidFile } = fakeWorker(undefined);
    const error = await start(python).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toContain(
      `the worker (axon_worker 0.0.9) announces no protocol version, this Axon speaks protocol ${PROTOCOL_VERSION}`,
    );
    expect(error.hint).toContain(
      "reinstall the worker wheel that ships with this Axon: run `npx axon setup`",
    );
    // The mismatched worker is not left running.
    expect(isAlive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });

  it("refuses a worker of another protocol version, naming both", async () => {
    const { python } = fakeWorker(PROTOCOL_VERSION + 1);
    const error = await start(python).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toContain(
      `speaks worker protocol ${PROTOCOL_VERSION + 1}, this Axon speaks protocol ${PROTOCOL_VERSION}`,
    );
    expect(error.message).toContain("fix: reinstall the worker wheel");
  });

  it("is the one the Python worker announces (python/src/axon_worker/_control.py)", () => {
    const python = readFileSync(join(repoRoot, "python/src/axon_worker/_control.py"), "utf8");
    const announced = /^PROTOCOL_VERSION = (\d+)$/m.exec(python)?.[1];
    expect(Number(announced)).toBe(PROTOCOL_VERSION);
    expect(Number.isInteger(PROTOCOL_VERSION)).toBe(true);
  });

  it("is read from the ready line only when it is an integer", () => {
    const ready = (protocol: unknown) =>
      parseControlMessage(
        JSON.stringify({ type: "ready", address: "unix:/x", pid: 1, agents: [], versions: {}, protocol }),
      );
    expect(ready(1)).toMatchObject({ type: "ready", protocol: 1 });
    expect(ready("1")).toMatchObject({ type: "ready", protocol: undefined });
    expect(ready(1.5)).toMatchObject({ type: "ready", protocol: undefined });
    expect(ready(undefined)).toMatchObject({ type: "ready", protocol: undefined });
  });
});
