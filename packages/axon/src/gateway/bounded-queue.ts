/**
 * A first-in first-out queue between a producer that must never wait (an event emitter) and one
 * consumer that may be slow (a client reading an HTTP stream). Past `limit` waiting items it
 * gives up on the consumer instead of growing: `overflowed` resolves and the queue empties, so a
 * reader that stopped reading costs `limit` items of memory, not everything sent since.
 */
export interface BoundedQueue<T> {
  /** Adds an item; false (and nothing added) once the queue has overflowed. */
  push(item: T): boolean;
  /** The next item, waiting for one; undefined once the queue overflowed or `signal` aborted. */
  next(signal: AbortSignal): Promise<T | undefined>;
  /** Resolves when the consumer fell more than `limit` items behind. */
  readonly overflowed: Promise<void>;
  clear(): void;
}

export function createBoundedQueue<T>(limit: number): BoundedQueue<T> {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  let over = false;
  let markOverflowed: () => void = () => {};
  const overflowed = new Promise<void>((resolve) => (markOverflowed = resolve));
  return {
    push(item) {
      if (over) return false;
      if (items.length >= limit) {
        over = true;
        items.length = 0;
        markOverflowed();
        wake?.();
        return false;
      }
      items.push(item);
      wake?.();
      return true;
    },
    async next(signal) {
      while (items.length === 0 && !over && !signal.aborted) {
        // One listener per wait, removed again: a long-lived feed waits thousands of times.
        let onAbort = () => {};
        await new Promise<void>((resolve) => {
          wake = resolve;
          onAbort = () => resolve();
          signal.addEventListener("abort", onAbort, { once: true });
        });
        signal.removeEventListener("abort", onAbort);
        wake = undefined;
      }
      return over || signal.aborted ? undefined : items.shift();
    },
    overflowed,
    clear() {
      items.length = 0;
    },
  };
}
