import { type AxonError, isAxonError } from "../../src/index.js";

/** The AxonError `promise` rejects with; fails the test when it resolves or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<AxonError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAxonError(error)) throw new Error(`expected an AxonError, got ${String(error)}`);
  return error;
}
