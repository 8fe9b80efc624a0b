import { describe, expect, it } from "vitest";
import { axonErrorFromBody } from "../../src/cli/axon-error-from-body.js";
import { isAxonError } from "../../src/errors/axon-error.js";
import {
  AgentNotFoundError,
  AgentUnavailableError,
  AxonTimeoutError,
  ConfigError,
  WorkerCrashedError,
} from "../../src/errors/host-errors.js";
import {
  InternalError,
  UnexpectedModelBehaviorError,
  UsageLimitExceededError,
} from "../../src/errors/worker-errors.js";
import { toErrorResponse } from "../../src/gateway/http-error.js";

const SERVER = "http://127.0.0.1:4000";

/** What the gateway answers for `error`, read back by the CLI. */
function roundTrip(error: unknown) {
  const { status, body } = toErrorResponse(error);
  return axonErrorFromBody(JSON.parse(JSON.stringify(body)), status, SERVER);
}

describe("a gateway error body read back by the CLI", () => {
  it("is the AxonError subclass the server raised, with its fields", () => {
    const error = roundTrip(
      new UsageLimitExceededError({ message: "too many requests", agent: "chaos", runId: "r1" }),
    );
    expect(error).toBeInstanceOf(UsageLimitExceededError);
    expect(error).toMatchObject({
      code: "usage_limit_exceeded",
      message: "too many requests",
      agent: "chaos",
      runId: "r1",
    });
  });

  it("keeps each class's own fields and the server's retryable", () => {
    const crashed = roundTrip(new WorkerCrashedError({ message: "gone", exitCode: 137 }));
    expect(crashed).toBeInstanceOf(WorkerCrashedError);
    expect(crashed).toMatchObject({ retryable: true, exitCode: 137 });
    const notFound = roundTrip(new AgentNotFoundError({ message: "no", knownAgents: ["echo", "tools"] }));
    expect(notFound).toBeInstanceOf(AgentNotFoundError);
    expect((notFound as AgentNotFoundError).knownAgents).toEqual(["echo", "tools"]);
    expect(roundTrip(new AxonTimeoutError({ message: "late", timeoutMs: 50 }))).toMatchObject({
      timeoutMs: 50,
    });
  });

  it("keeps the structured facts of a worker error: the exhausted tool, a draining worker", () => {
    const exhausted = roundTrip(new UnexpectedModelBehaviorError({ message: "x", toolName: "lookup" }));
    expect(exhausted).toMatchObject({ code: "unexpected_model_behavior", toolName: "lookup" });
    const draining = roundTrip(new AgentUnavailableError({ message: "stopping", workerDraining: true }));
    expect(draining).toMatchObject({ code: "agent_unavailable", retryable: true, workerDraining: true });
  });

  it("turns the gateway's own codes into what the CLI was set up wrongly with", () => {
    const unauthorized = axonErrorFromBody(
      { error: { code: "unauthorized", message: "a valid bearer token is required", retryable: false } },
      401,
      SERVER,
    );
    expect(unauthorized).toBeInstanceOf(ConfigError);
    expect(unauthorized).toMatchObject({ field: "token" });
    expect(unauthorized.message).toContain("--token or AXON_TOKEN");
    const route = axonErrorFromBody({ error: { code: "not_found", message: "no route" } }, 404, SERVER);
    expect(route).toMatchObject({ code: "config_error", field: "url" });
  });

  it("keeps a code it does not know in the message", () => {
    const error = axonErrorFromBody({ error: { code: "brand_new", message: "hm" } }, 500, SERVER);
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe("brand_new: hm");
  });

  it("is agent_unavailable for an answer that is no axon error body", () => {
    for (const body of [undefined, null, "<html>", { error: "text" }, { message: "x" }]) {
      const error = axonErrorFromBody(body, 502, SERVER);
      expect(isAxonError(error)).toBe(true);
      expect(error).toBeInstanceOf(AgentUnavailableError);
      expect(error.message).toBe(
        `${SERVER} answered HTTP 502 without an axon error body; is it an axon serve?`,
      );
    }
  });
});
