// Signatures on the tool calls a paused run leaves open. The gateway is stateless between a
// pause and its continuation (the client carries the history), so it cannot look a pending call
// up; instead each one leaves with an HMAC over what it is, and a continuation is accepted only
// for calls that come back with a valid one (docs/gateway.md "Approvals over HTTP").
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../errors/host-errors.js";
import { canonicalJson } from "../tools/canonical-json.js";

/** What a signature vouches for: this agent's run issued this call, with these arguments. */
export interface SignedCall {
  agent: string;
  runId: string;
  toolCallId: string;
  toolName: string;
  args: unknown;
}

/** `ok`: the call is the one issued (`id` names the signature, for replay checks). */
export type SignatureVerdict =
  | { ok: true; runId: string; expiresAt: number; id: string }
  | { ok: false; reason: "signature_mismatch" }
  | { ok: false; reason: "expired"; runId: string; expiresAt: number };

/** Default lifetime of a signature: long enough for a person to decide, short enough to bound replay memory. */
export const DEFAULT_APPROVAL_TTL_MS = 60 * 60 * 1000;

// A key shorter than this is a typo or a placeholder, not a secret.
const MIN_KEY_BYTES = 16;
// Generous for `v1.<ms>.<128-char run id, base64url>.<43-char mac>`; anything longer is not ours.
const MAX_TOKEN_CHARS = 512;
const DOMAIN = "axon-tool-call/v1";

export class ApprovalSigner {
  private readonly key: Buffer;

  /**
   * @param key The HMAC key. Default: 32 random bytes, so signatures die with the process;
   * replicas behind one load balancer need the same key (`AXON_APPROVAL_KEY`).
   * @param ttlMs How long a signature stays valid. Default: 1 hour.
   */
  constructor(
    key?: string | Uint8Array,
    readonly ttlMs: number = DEFAULT_APPROVAL_TTL_MS,
  ) {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
      throw new ConfigError({ message: `approvalTtlMs must be a positive whole number of ms, got ${ttlMs}` });
    }
    this.key = key === undefined ? randomBytes(32) : checkApprovalKey(key);
  }

  sign(call: SignedCall, expiresAt: number): string {
    const run = Buffer.from(call.runId).toString("base64url");
    return `v1.${expiresAt}.${run}.${this.mac(call, expiresAt).toString("base64url")}`;
  }

  /** Checks `token` against the call as the history now shows it. */
  verify(token: string, call: Omit<SignedCall, "runId">, now = Date.now()): SignatureVerdict {
    const mismatch = { ok: false, reason: "signature_mismatch" } as const;
    if (token.length > MAX_TOKEN_CHARS) return mismatch;
    const [version, expiry, run, mac, ...rest] = token.split(".");
    if (version !== "v1" || rest.length > 0 || !/^\d{1,15}$/.test(expiry ?? "") || !run || !mac)
      return mismatch;
    const expiresAt = Number(expiry);
    const runId = Buffer.from(run, "base64url").toString();
    const expected = this.mac({ ...call, runId }, expiresAt);
    const given = Buffer.from(mac, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return mismatch;
    // Checked after the MAC, so an expiry is only ever reported for a call the server issued.
    if (expiresAt <= now) return { ok: false, reason: "expired", runId, expiresAt };
    return { ok: true, runId, expiresAt, id: mac };
  }

  private mac(call: SignedCall, expiresAt: number): Buffer {
    // A JSON array: no two different calls serialize alike (no separator ambiguity).
    const fields = [DOMAIN, call.agent, call.runId, call.toolCallId, call.toolName, argsDigest(call.args)];
    return createHmac("sha256", this.key)
      .update(JSON.stringify([...fields, expiresAt]))
      .digest();
  }
}

/** The key as bytes; a ConfigError when it is too short to be a secret. */
export function checkApprovalKey(key: string | Uint8Array): Buffer {
  const bytes = Buffer.from(key);
  if (bytes.length < MIN_KEY_BYTES) {
    throw new ConfigError({
      field: "approvalKey",
      message: `the approval key (AXON_APPROVAL_KEY) must be at least ${MIN_KEY_BYTES} bytes, got ${bytes.length}; generate one with \`openssl rand -hex 32\``,
    });
  }
  return bytes;
}

/**
 * SHA-256 of the arguments in canonical JSON (keys sorted at every level), so `{"a":1,"b":2}` and
 * `{"b":2,"a":1}` are one call, and arguments given as a JSON string (pydantic-ai's `args` may be
 * either) equal the same object. Missing or empty arguments are `{}`, as pydantic-ai reads them.
 */
export function argsDigest(args: unknown): string {
  return createHash("sha256")
    .update(canonicalJson(normalizedArgs(args)))
    .digest("base64url");
}

function normalizedArgs(args: unknown): unknown {
  if (args === undefined || args === null || args === "") return {};
  if (typeof args !== "string") return args;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args; // not JSON: the string itself is what the tool would be refused with
  }
}
