import { z } from "zod";

/**
 * The longest delay a Node timer can wait: 2^31 − 1 ms (~24.8 days). A longer `setTimeout` fires
 * at once (with only a warning), so a bigger timeout would fail a run in milliseconds and a
 * bigger health-check interval would become a busy loop; grpc-js also refuses deadlines further
 * out ("Deadline is too far in the future", thrown where no caller catches it).
 * https://nodejs.org/api/timers.html#settimeoutcallback-delay-args
 */
export const MAX_DELAY_MS = 2_147_483_647;

const tooLong = `at most ${MAX_DELAY_MS} ms (~24.8 days), the longest delay a Node timer can wait`;

/** A whole number of milliseconds a timer can wait, 0 included. */
export const delayMs = () => z.number().int().nonnegative().max(MAX_DELAY_MS, tooLong);

/** A positive number of milliseconds a timer can wait (fractions allowed, as `timeoutMs` always took them). */
export const positiveDelayMs = () => z.number().positive().max(MAX_DELAY_MS, tooLong);
