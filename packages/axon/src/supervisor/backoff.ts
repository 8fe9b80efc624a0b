import type { BackoffConfig } from "../config/config-schema.js";

/**
 * Exponential backoff with jitter, capped: attempt n waits `initialMs * 2^n`, at most `maxMs`,
 * then moved by up to ±`jitter` of itself so that agents failing together do not retry in step.
 */
export interface Backoff {
  /** The delay before the next attempt; each call counts one attempt. */
  next(): number;
  /** Back to the first delay (after the agent was stable for `stableAfterMs`). */
  reset(): void;
  /** Attempts counted since the last reset. */
  readonly attempts: number;
}

export interface BackoffOptions extends BackoffConfig {
  /** Source of randomness in [0, 1). Default: `Math.random`. */
  random?: () => number;
}

export function createBackoff(options: BackoffOptions): Backoff {
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      const delay = backoffDelay(attempts, options, random());
      attempts += 1;
      return delay;
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** The delay of attempt `attempt` (0-based) for a random draw `draw` in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffConfig, draw: number): number {
  // 2^attempt overflows to Infinity for large attempts, which Math.min caps.
  const base = Math.min(options.maxMs, options.initialMs * 2 ** attempt);
  const jittered = base * (1 + options.jitter * (2 * draw - 1));
  return Math.max(0, Math.round(Math.min(options.maxMs, jittered)));
}
