// Which hosts count as loopback for the bind rule, and which errors map to which status.
import { describe, expect, it } from "vitest";
import { tokenMatches } from "../../src/gateway/bearer-auth.js";
import { checkBindRule, isLoopbackHost } from "../../src/gateway/bind-rule.js";
import { toErrorResponse } from "../../src/gateway/http-error.js";
import { AgentUnavailableError, OverloadedError, WorkerStartError } from "../../src/index.js";

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])(
    "treats %s as loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );
  it.each(["0.0.0.0", "::", "192.168.1.10", "example.com", "128.0.0.1"])(
    "treats %s as reachable from outside",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe("checkBindRule", () => {
  it("allows loopback without a token, and anything with a token or insecure", () => {
    expect(() => checkBindRule({ host: "127.0.0.1" })).not.toThrow();
    expect(() => checkBindRule({ host: "0.0.0.0", token: "t" })).not.toThrow();
    expect(() => checkBindRule({ host: "0.0.0.0", insecure: true })).not.toThrow();
    expect(() => checkBindRule({ host: "0.0.0.0" })).toThrow(/without a token/);
  });
});

describe("tokenMatches", () => {
  it("matches only the same token, whatever the lengths", () => {
    expect(tokenMatches("abc", "abc")).toBe(true);
    expect(tokenMatches("abc", "abd")).toBe(false);
    expect(tokenMatches("abc", "abcd")).toBe(false);
    expect(tokenMatches("abc", "")).toBe(false);
  });
});

describe("toErrorResponse", () => {
  it("maps unavailable to 503 and overloaded to 429, keeping retryable", () => {
    expect(toErrorResponse(new AgentUnavailableError({ message: "failed", agent: "a" }))).toMatchObject({
      status: 503,
      body: { error: { code: "agent_unavailable", retryable: true, agent: "a" } },
    });
    expect(toErrorResponse(new OverloadedError({ message: "full" })).status).toBe(429);
  });

  it("keeps stderr and tracebacks on the host", () => {
    const error = new WorkerStartError({
      message: "boom",
      stderr: "Traceback ...",
      hint: "fix it",
      pythonTraceback: "Traceback",
    });
    const { status, body } = toErrorResponse(error);
    expect(status).toBe(503);
    expect(JSON.stringify(body)).not.toContain("Traceback");
  });

  it("hides the message of an unexpected exception", () => {
    expect(toErrorResponse(new Error("secret path /etc/x"))).toEqual({
      status: 500,
      body: {
        error: { code: "internal", message: "internal error (see the gateway's log)", retryable: false },
      },
    });
  });
});
