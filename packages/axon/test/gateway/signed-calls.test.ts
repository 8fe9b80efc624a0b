// The pieces of signed tool calls, without a worker: the signature, the open calls of a
// history, the stamps that carry signatures in it, and the memory of spent ones.
import { describe, expect, it } from "vitest";
import { ApprovalSigner, argsDigest } from "../../src/gateway/approval-signatures.js";
import { openToolCalls, withoutSignatures, withSignatures } from "../../src/gateway/open-tool-calls.js";
import { UsedSignatures } from "../../src/gateway/used-signatures.js";
import { ConfigError } from "../../src/index.js";

const call = { agent: "orders", runId: "run.1", toolCallId: "c1", toolName: "refund", args: { id: "42" } };
const { runId: _, ...asShown } = call;
const NOW = 1_700_000_000_000;

describe("a pending call's signature", () => {
  const signer = new ApprovalSigner("k".repeat(32));

  it("verifies for the call it was made for, and names its run", () => {
    const token = signer.sign(call, NOW + 1000);
    expect(signer.verify(token, asShown, NOW)).toMatchObject({
      ok: true,
      runId: "run.1",
      expiresAt: NOW + 1000,
    });
  });

  it.each([
    ["another agent", { agent: "chaos" }],
    ["another call id", { toolCallId: "c2" }],
    ["another tool", { toolName: "lookupOrder" }],
    ["other arguments", { args: { id: "7" } }],
    ["an added argument", { args: { id: "42", amount: 1e9 } }],
  ])("does not verify for %s", (_name, change) => {
    const token = signer.sign(call, NOW + 1000);
    expect(signer.verify(token, { ...asShown, ...change }, NOW)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("does not verify with an edited expiry or run, nor under another key", () => {
    const token = signer.sign(call, NOW + 1000);
    const [v, exp, run, mac] = token.split(".");
    const later = `${v}.${Number(exp) + 1e9}.${run}.${mac}`;
    const otherRun = `${v}.${exp}.${Buffer.from("run.2").toString("base64url")}.${mac}`;
    for (const forged of [later, otherRun, "v1.1.2.3", "", "x".repeat(10_000)])
      expect(signer.verify(forged, asShown, NOW).ok).toBe(false);
    expect(new ApprovalSigner("o".repeat(32)).verify(token, asShown, NOW).ok).toBe(false);
  });

  it("expires, and says so only for a call it did issue", () => {
    const token = signer.sign(call, NOW);
    expect(signer.verify(token, asShown, NOW)).toMatchObject({
      ok: false,
      reason: "expired",
      runId: "run.1",
    });
  });

  it("digests arguments canonically: key order and a JSON string do not matter, empty is {}", () => {
    expect(argsDigest({ a: 1, b: { c: 2, d: 3 } })).toBe(argsDigest({ b: { d: 3, c: 2 }, a: 1 }));
    expect(argsDigest('{"id": "42"}')).toBe(argsDigest({ id: "42" }));
    expect(argsDigest(null)).toBe(argsDigest({}));
    expect(argsDigest("")).toBe(argsDigest({}));
    expect(argsDigest({ id: "42" })).not.toBe(argsDigest({ id: 42 }));
  });

  it("refuses a key too short to be a secret, and a lifetime that is no duration", () => {
    expect(() => new ApprovalSigner("short")).toThrow(ConfigError);
    expect(() => new ApprovalSigner(undefined, 0)).toThrow(/approvalTtlMs/);
    expect(() => new ApprovalSigner(undefined, Number.NaN)).toThrow(/approvalTtlMs/);
  });
});

describe("the open calls of a history", () => {
  const response = (...parts: object[]) => ({ kind: "response", parts });
  const request = (...parts: object[]) => ({ kind: "request", parts });
  const toolCall = (id: string, name = "t") => ({
    part_kind: "tool-call",
    tool_name: name,
    tool_call_id: id,
    args: {},
  });

  it("are the last response's calls that the request after it does not answer", () => {
    const history = [
      request({ part_kind: "user-prompt", content: "x" }),
      response(toolCall("old")),
      request({ part_kind: "tool-return", tool_call_id: "old", tool_name: "t", content: 1 }),
      response({ part_kind: "text", content: "..." }, toolCall("a"), toolCall("b"), toolCall("c")),
      request(
        { part_kind: "tool-return", tool_call_id: "a", tool_name: "t", content: 1 },
        { part_kind: "retry-prompt", tool_call_id: "b", tool_name: "t", content: "again" },
        // A retry prompt without a tool name is feedback on the response, not an answer (pydantic-ai).
        { part_kind: "retry-prompt", tool_call_id: "c", content: "no" },
      ),
    ];
    expect(openToolCalls(history).map((c) => c.toolCallId)).toEqual(["c"]);
  });

  it("count anything that may be a call, but not a provider's built-in ones", () => {
    const history = [
      response(
        { part_kind: "tool-search-call", tool_name: "search", tool_call_id: "s" },
        { tool_name: "no-kind" },
        { part_kind: "builtin-tool-call", tool_name: "web_search", tool_call_id: "w" },
      ),
    ];
    expect(openToolCalls(history).map((c) => c.toolCallId)).toEqual(["s", ""]);
  });

  it("are none for a history that ends in text, or is no list of messages", () => {
    expect(openToolCalls([response({ part_kind: "text", content: "hi" })])).toEqual([]);
    expect(openToolCalls([null, 3, "x", { kind: "response", parts: "no" }])).toEqual([]);
  });

  it("carry their signatures as stamps that are stripped before the worker sees the history", () => {
    const history = [
      request({ part_kind: "user-prompt", content: "x" }),
      response(toolCall("a"), toolCall("b")),
    ];
    const stamped = withSignatures(history, new Map([["a", "sig-a"]]));
    expect((stamped[1] as { parts: object[] }).parts[0]).toMatchObject({
      provider_details: { axon_signature: "sig-a" },
    });
    expect(history[1]).toEqual(response(toolCall("a"), toolCall("b"))); // the input is not changed
    const { history: stripped, signatures } = withoutSignatures(stamped);
    expect(stripped).toEqual(history);
    expect([...signatures]).toEqual([["a", "sig-a"]]);
  });

  it("keep a provider's own details beside the stamp", () => {
    const part = { ...toolCall("a"), provider_details: { thought_signature: "t" } };
    const stamped = withSignatures([response(part)], new Map([["a", "s"]]));
    const { history } = withoutSignatures(stamped);
    expect(history).toEqual([response(part)]);
  });
});

describe("spent signatures", () => {
  it("are remembered until they expire, and given back on release", () => {
    const used = new UsedSignatures(10);
    expect(used.addAll([{ id: "a", expiresAt: NOW + 10 }], NOW)).toBe(true);
    expect(used.has("a", NOW)).toBe(true);
    expect(used.has("a", NOW + 10)).toBe(false);
    used.deleteAll(["a"]);
    expect(used.has("a", NOW)).toBe(false);
  });

  it("stay bounded: expired ones make room, and an unexpired one is never forgotten for a new one", () => {
    const used = new UsedSignatures(2);
    expect(
      used.addAll(
        [
          { id: "a", expiresAt: NOW + 1 },
          { id: "b", expiresAt: NOW + 100 },
        ],
        NOW,
      ),
    ).toBe(true);
    expect(used.addAll([{ id: "c", expiresAt: NOW + 100 }], NOW)).toBe(false);
    expect(used.addAll([{ id: "c", expiresAt: NOW + 100 }], NOW + 1)).toBe(true);
    expect(used.size).toBe(2);
    expect(used.has("b", NOW + 1)).toBe(true);
  });
});
