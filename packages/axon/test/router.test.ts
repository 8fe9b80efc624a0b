import { describe, expect, it } from "vitest";
import { isAxonError } from "../src/index.js";
import { createAgentPool } from "../src/pool/agent-pool.js";
import type { PoolMember } from "../src/pool/pool-member.js";
import { createRunQueue } from "../src/pool/run-queue.js";
import { createMemoryEndpoint } from "./helpers/memory-endpoint.js";

// The router only counts slots; its members are in-memory endpoints that are never called here.
const member = (id: string): PoolMember => ({ id, endpoint: createMemoryEndpoint(id) });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error) => (isAxonError(error) ? error.code : String(error)),
  );

describe("the run queue", () => {
  it("is first in, first out and refuses items beyond its capacity", () => {
    const queue = createRunQueue<number>(2);
    expect(queue.push(1)).toBeTruthy();
    expect(queue.push(2)).toBeTruthy();
    expect(queue.push(3)).toBe(false);
    expect([queue.shift(), queue.shift(), queue.shift()]).toEqual([1, 2, undefined]);
  });

  it("lets an item leave from the middle", () => {
    const queue = createRunQueue<number>(5);
    queue.push(1);
    const remove = queue.push(2);
    queue.push(3);
    if (remove) remove();
    if (remove) remove();
    expect(queue.size).toBe(2);
    expect(queue.drain()).toEqual([1, 3]);
  });
});

describe("the agent pool", () => {
  it("routes each run to the member with the fewest runs in flight", async () => {
    const pool = createAgentPool({ agent: "echo", maxConcurrency: 10 });
    pool.add(member("echo-0"));
    pool.add(member("echo-1"));
    const leases = await Promise.all([1, 2, 3, 4].map(() => pool.acquire()));
    expect(leases.map((lease) => lease.member.id).sort()).toEqual(["echo-0", "echo-0", "echo-1", "echo-1"]);
    leases[0]?.release();
    const next = await pool.acquire();
    expect(next.member.id).toBe(leases[0]?.member.id);
  });

  it("queues runs beyond the concurrency cap and serves them in order as slots free up", async () => {
    const pool = createAgentPool({ agent: "echo", maxConcurrency: 1 });
    pool.add(member("echo-0"));
    const first = await pool.acquire();
    const order: string[] = [];
    const track = (name: string) =>
      pool.acquire().then((lease) => {
        order.push(name);
        return lease;
      });
    const second = track("second");
    const third = track("third");
    expect(pool.queued()).toBe(2);
    first.release();
    (await second).release();
    await third;
    expect(order).toEqual(["second", "third"]);
    expect(pool.queued()).toBe(0);
  });

  it("answers OverloadedError (retryable) when the queue is full", async () => {
    const pool = createAgentPool({ agent: "echo", maxConcurrency: 1, maxQueue: 1 });
    pool.add(member("echo-0"));
    await pool.acquire();
    void pool.acquire();
    const overloaded = pool.acquire().catch((error) => error);
    expect(await overloaded).toMatchObject({ code: "overloaded", retryable: true, agent: "echo" });
  });

  it("waits while no member is up, and serves the queue when one joins", async () => {
    const pool = createAgentPool({ agent: "echo" });
    const waiting = pool.acquire();
    pool.add(member("echo-0"));
    expect((await waiting).member.id).toBe("echo-0");
  });

  it("takes a cancelled or timed-out run out of the queue", async () => {
    const pool = createAgentPool({ agent: "echo", maxConcurrency: 1 });
    pool.add(member("echo-0"));
    await pool.acquire();
    const controller = new AbortController();
    const cancelled = codeOf(pool.acquire({ signal: controller.signal }));
    const timedOut = codeOf(pool.acquire({ deadline: Date.now() + 20, timeoutMs: 20 }));
    controller.abort();
    expect(await cancelled).toBe("cancelled");
    expect(await timedOut).toBe("timeout");
    expect(pool.queued()).toBe(0);
  });

  it("fails fast, queued runs included, while the agent is down", async () => {
    const pool = createAgentPool({ agent: "echo" });
    const queued = codeOf(pool.acquire());
    pool.setAvailability({ state: "down", reason: "it failed" });
    expect(await queued).toBe("agent_unavailable");
    expect(await codeOf(pool.acquire())).toBe("agent_unavailable");
    pool.setAvailability({ state: "up" });
    pool.add(member("echo-0"));
    expect(await codeOf(pool.acquire())).toBe("resolved");
  });

  it("counts a removed member's runs until they end, and tells when it is idle", async () => {
    const pool = createAgentPool({ agent: "echo" });
    pool.add(member("echo-0"));
    const lease = await pool.acquire();
    pool.remove("echo-0");
    expect(pool.inFlight()).toBe(1);
    let idle = false;
    void pool.idle().then(() => {
      idle = true;
    });
    lease.release();
    lease.release();
    await Promise.resolve();
    expect(idle).toBe(true);
    expect(pool.inFlight()).toBe(0);
  });
});
