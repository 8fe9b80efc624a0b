// The `runs` field of the config: background runs, their webhooks, and how long a run's event
// log is kept for resumable streams (docs/threads.md).
import { z } from "zod";

export const runsSchema = z.strictObject({
  /**
   * The key that signs webhooks (HMAC-SHA256, `Axon-Signature: t=...,v1=...`), at least 16
   * characters; `axon serve` also reads `AXON_WEBHOOK_SECRET`. Default: none (a run that asks
   * for a webhook is refused).
   */
  webhookSecret: z.string().min(16).optional(),
  /** Tries of one webhook delivery (a non-2xx answer or no answer is tried again). Default: 5. */
  webhookAttempts: z.number().int().min(1).max(20).default(5),
  /** Wait before the second try, doubled each time (at most 60 s). Default: 1000 ms. */
  webhookBackoffMs: z.number().int().min(0).max(60_000).default(1000),
  /** How long one delivery may take. Default: 10000 ms. */
  webhookTimeoutMs: z.number().int().min(1).max(120_000).default(10_000),
  /**
   * How often a process marks the runs it holds as alive; a run whose mark is 3 periods old
   * belonged to a process that died, and is `interrupted` (or, queued, picked up). Default: 5000 ms.
   */
  heartbeatMs: z.number().int().min(50).max(600_000).default(5000),
  /** Events kept per run (the oldest go first). Default: 10000. */
  maxEventsPerRun: z.number().int().min(1).max(10_000_000).default(10_000),
  /** Age after which a run's events are deleted. Default: 86400000 ms (1 day). */
  eventMaxAgeMs: z
    .number()
    .int()
    .min(1000)
    .max(365 * 86_400_000)
    .default(86_400_000),
});

export type RunsConfig = z.output<typeof runsSchema>;
export type RunsConfigInput = z.input<typeof runsSchema>;
