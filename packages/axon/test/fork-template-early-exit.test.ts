import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../src/worker/control-message.js";
import { createForkTemplate } from "../src/worker/fork-template.js";
import { repoPython } from "./helpers/live-project.js";

const scratch = mkdtempSync(join(tmpdir(), "axon-fork-race-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A stand-in template that reports its child's exit before the child's sockets connect: what a
 * real one does when the forked worker fails at once (an agent that cannot load) and the host has
 * not accepted its sockets yet.
 */
function exitFirstTemplate(): string {
  const script = join(scratch, "exit_first_template.py");
  writeFileSync(
    script,
    `import json, os, socket, sys
fd = int(sys.argv[sys.argv.index("--control-fd") + 1])
send = lambda m: os.write(fd, (json.dumps(m) + "\\n").encode())
send({"type": "template", "protocol": ${PROTOCOL_VERSION}, "pid": os.getpid()})
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os._exit(78)
    os.waitpid(pid, 0)
    send({"type": "forked", "id": request["fork"], "pid": pid})
    send({"type": "exited", "pid": pid, "code": 78, "signal": None})
    for child_fd in (0, 1, 2, 3):
        s = socket.socket(socket.AF_UNIX)
        s.connect(request["connect"])
        s.sendall(f"axon-fork {request['fork']} {child_fd}\\n".encode())
        s.close()
`,
  );
  const python = join(scratch, "python");
  writeFileSync(python, `#!/bin/sh\nexec '${repoPython}' '${script}' "$@"\n`);
  chmodSync(python, 0o755);
  return python;
}

describe("a forked worker that exits before its sockets are accepted", () => {
  it("is seen to exit, with its code", async () => {
    const template = createForkTemplate({
      python: exitFirstTemplate(),
      cwd: scratch,
      env: {},
      acceptPath: join(scratch, "accept.fork"),
      logger: pino({ level: "silent" }),
    });
    await template.ready;
    const worker = await template.fork({
      python: "unused",
      agent: "bad",
      module: "bad_agent:agent",
      listen: `unix:${join(scratch, "bad.sock")}`,
      cwd: scratch,
      env: {},
    });
    const exit = await Promise.race([
      worker.exited,
      new Promise((resolve) => setTimeout(resolve, 5000, "no exit seen")),
    ]);
    expect(exit).toEqual({ exitCode: 78, signal: null });
    template.retire();
  });
});
