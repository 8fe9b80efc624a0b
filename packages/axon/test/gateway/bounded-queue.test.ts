import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { createBoundedQueue } from "../../src/gateway/bounded-queue.js";

describe("the bounded queue between the live feed and one subscriber", () => {
  it("hands items out in order, waiting for the next", async () => {
    const queue = createBoundedQueue<number>(10);
    const signal = new AbortController().signal;
    const later = queue.next(signal);
    queue.push(1);
    queue.push(2);
    expect(await later).toBe(1);
    expect(await queue.next(signal)).toBe(2);
  });

  it("keeps no abort listener per wait (a feed waits thousands of times)", async () => {
    const queue = createBoundedQueue<number>(10);
    const signal = new AbortController().signal;
    for (let i = 0; i < 50; i++) {
      const next = queue.next(signal);
      queue.push(i);
      await next;
    }
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("gives up on a consumer that falls more than `limit` behind, and then takes nothing", async () => {
    const queue = createBoundedQueue<number>(3);
    for (let i = 0; i < 3; i++) expect(queue.push(i)).toBe(true);
    expect(queue.push(3)).toBe(false);
    await queue.overflowed;
    expect(await queue.next(new AbortController().signal)).toBeUndefined();
    expect(queue.push(4)).toBe(false);
  });

  it("ends the wait when the client goes away", async () => {
    const queue = createBoundedQueue<number>(3);
    const client = new AbortController();
    const next = queue.next(client.signal);
    client.abort();
    expect(await next).toBeUndefined();
  });
});
