// The webhook a background run POSTs when it ends, signed as Stripe signs its own: header
// `Axon-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`, so that
// a receiver checks both who sent it and when (refusing old timestamps stops replays).
// Tried `attempts` times with doubling waits; a 2xx answer ends it (docs/threads.md "Webhooks").
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Axon-Signature";

export function signWebhook(secret: string, body: string, timestamp: number): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/**
 * Checks a received `Axon-Signature` against the raw body; `toleranceSeconds` (default 300)
 * bounds the timestamp's age. For receivers written in TypeScript.
 */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | null | undefined,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!header) return false;
  const fields = new Map(
    header.split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(fields.get("t"));
  const v1 = fields.get("v1") ?? "";
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

export interface WebhookDelivery {
  url: string;
  secret: string;
  body: unknown;
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
  /** Stops the retries (the process closes). */
  signal?: AbortSignal;
}

/** Resolves with the number of the try that got a 2xx, or 0 when every try failed. */
export async function deliverWebhook(delivery: WebhookDelivery): Promise<number> {
  const body = JSON.stringify(delivery.body);
  for (let attempt = 1; attempt <= delivery.attempts; attempt++) {
    if (delivery.signal?.aborted) return 0;
    try {
      const timeout = AbortSignal.timeout(delivery.timeoutMs);
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "axon-webhook",
          [SIGNATURE_HEADER]: signWebhook(delivery.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        redirect: "manual",
        signal: delivery.signal ? AbortSignal.any([timeout, delivery.signal]) : timeout,
      });
      await response.body?.cancel().catch(() => {});
      if (response.ok) return attempt;
    } catch {
      // no answer: tried again below
    }
    if (attempt < delivery.attempts) {
      const wait = Math.min(delivery.backoffMs * 2 ** (attempt - 1), 60_000);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  return 0;
}
