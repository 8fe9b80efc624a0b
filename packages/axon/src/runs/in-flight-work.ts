/**
 * Work started in the background that `close()` must wait for (a webhook still retrying, a thread
 * run still appending): each promise is tracked until it settles, whatever its outcome.
 */
export interface InFlightWork {
  track(promise: Promise<unknown>): void;
  /** Resolves once everything tracked so far has settled (never rejects). */
  settled(): Promise<void>;
}

export function createInFlightWork(): InFlightWork {
  const pending = new Set<Promise<void>>();
  return {
    track(promise) {
      const settled = promise.then(
        () => {},
        () => {},
      );
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
    },
    async settled() {
      await Promise.all(pending);
    },
  };
}
