/**
 * `Retry-After` (seconds) on a 429 or a retryable 503 (overloaded, shutting down, starting):
 * short, because behind a load balancer the retry lands on another instance.
 */
export const RETRY_AFTER_SECONDS = "1";
