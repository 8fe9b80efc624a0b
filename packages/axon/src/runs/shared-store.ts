// One store for `axon.threads` and `axon.runs`, opened on first use; `onOpen` runs before the
// first query of this process (the recovery of runs a dead process left). A failed open is
// tried again next time.
import type { Store } from "../storage/open-store.js";

export function sharedStore(open: () => Promise<Store>, onOpen: (store: Store) => Promise<void>) {
  let opened: Promise<Store> | undefined;
  return (): Promise<Store> => {
    opened ??= open().then(async (store) => {
      await onOpen(store).catch(async (error: unknown) => {
        await store.close().catch(() => {});
        throw error;
      });
      return store;
    });
    const current = opened;
    current.catch(() => {
      if (opened === current) opened = undefined;
    });
    return current;
  };
}
