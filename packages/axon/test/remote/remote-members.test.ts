// Members of a DNS target: one per address it resolves to, joining and leaving as the answer
// changes, with no run touched elsewhere. The resolver is the test's, the pool is real.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { remoteSchema } from "../../src/config/remote-schema.js";
import { createAgentPool } from "../../src/pool/agent-pool.js";
import { createRemoteMembers } from "../../src/pool/remote-members.js";

describe("the members of dns:///workers:50051", () => {
  it("are one per resolved address, and follow the answer on refresh", async () => {
    let answer = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
    const pool = createAgentPool({ agent: "a" });
    const remote = createRemoteMembers({
      agent: "a",
      remote: remoteSchema.parse({
        targets: ["dns:///workers:50051"],
        insecure: true,
        resolveEveryMs: 60_000,
      }),
      pool,
      healthCheck: { intervalMs: 0, timeoutMs: 100, failures: 1 },
      maxMessageBytes: 1 << 20,
      logger: pino({ level: "silent" }),
      resolveHost: async () => answer,
    });
    await remote.start();
    const addresses = () => pool.members().map(({ member }) => member.endpoint.address);
    expect(addresses()).toEqual(["10.0.0.1:50051", "10.0.0.2:50051", "10.0.0.3:50051"]);
    answer = ["10.0.0.2", "10.0.0.3", "10.0.0.4"];
    await remote.refresh();
    expect(addresses()).toEqual(["10.0.0.2:50051", "10.0.0.3:50051", "10.0.0.4:50051"]);
    remote.close();
  });

  it("keep their members when the resolver fails for a moment", async () => {
    let fail = false;
    const pool = createAgentPool({ agent: "a" });
    const remote = createRemoteMembers({
      agent: "a",
      remote: remoteSchema.parse({ targets: ["dns:///workers:50051"], insecure: true }),
      pool,
      healthCheck: { intervalMs: 0, timeoutMs: 100, failures: 1 },
      maxMessageBytes: 1 << 20,
      logger: pino({ level: "silent" }),
      resolveHost: async () => {
        if (fail) throw new Error("SERVFAIL");
        return ["10.0.0.1"];
      },
    });
    await remote.start();
    fail = true;
    await remote.refresh();
    expect(pool.members()).toHaveLength(1);
    remote.close();
  });
});
