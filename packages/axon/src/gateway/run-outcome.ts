// Runs as the metrics count them: `ok`, or the code of the error that ended them.
import { isAxonError } from "../errors/axon-error.js";
import { HttpError } from "./http-error.js";

export function outcomeOf(error: unknown): string {
  if (isAxonError(error) || error instanceof HttpError) return error.code;
  return "internal";
}

/** Seconds since `started` (a `performance.now()` reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
