/**
 * The run's error when it is refused at admission (overloaded, unavailable, shutting down, a bad
 * option): such refusals settle within the current turn of the event loop, before any event, so
 * a streaming route can still answer them with their HTTP status (429 + Retry-After, 503)
 * instead of a 200 whose stream holds only an `error` event. Undefined when the run was admitted.
 */
export function earlyRefusal(result: Promise<unknown>): Promise<unknown> {
  return new Promise((resolve) => {
    // setImmediate runs after every pending promise callback: all of admission has happened.
    const admitted = setImmediate(() => resolve(undefined));
    result.then(
      () => {},
      (error: unknown) => {
        clearImmediate(admitted);
        resolve(error);
      },
    );
  });
}
