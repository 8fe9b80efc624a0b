import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { ErrorDetail, ErrorKind } from "../src/gen/axon/v1/errors.js";
import {
  AgentNotFoundError,
  AxonError,
  CancelledError,
  isAxonError,
  ModelHttpError,
  TimeoutError,
  UsageLimitExceededError,
  WorkerCrashedError,
} from "../src/index.js";
import { mapGrpcError } from "../src/transport/map-grpc-error.js";

const serviceError = (code: status, detail?: Partial<ErrorDetail>): ServiceError => {
  const metadata = new Metadata();
  if (detail)
    metadata.set("axon-error-bin", Buffer.from(ErrorDetail.encode(ErrorDetail.fromPartial(detail)).finish()));
  return Object.assign(new Error("grpc failed"), { code, details: "details", metadata });
};
const context = { agent: "echo", runId: "r1", timeoutMs: 50 };

describe("errors", () => {
  it("are recognised across package copies by a registered symbol", () => {
    const error = new WorkerCrashedError({ message: "boom", exitCode: null, signal: "SIGKILL" });
    expect(isAxonError(error)).toBe(true);
    const foreign = Object.assign(new Error("x"), { [Symbol.for("axon.error")]: true });
    expect(isAxonError(foreign)).toBe(true);
    expect(isAxonError(new Error("x"))).toBe(false);
    expect(isAxonError(null)).toBe(false);
  });

  it("serialise to JSON with their code, retryable flag and facts", () => {
    const error = new WorkerCrashedError({ message: "boom", agent: "echo", runId: "r1", signal: "SIGKILL" });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "WorkerCrashedError",
      code: "worker_crashed",
      message: "boom",
      retryable: true,
      agent: "echo",
      runId: "r1",
      exitCode: null,
      signal: "SIGKILL",
    });
    const notFound = new AgentNotFoundError({ message: "no", knownAgents: ["echo"] });
    expect(notFound.toJSON()).toMatchObject({
      code: "agent_not_found",
      retryable: false,
      knownAgents: ["echo"],
    });
  });

  it("export TimeoutError as the host's timeout class", () => {
    expect(new TimeoutError({ message: "late" })).toBeInstanceOf(AxonError);
    expect(new TimeoutError({ message: "late" }).code).toBe("timeout");
  });
});

describe("mapping a failed gRPC call", () => {
  it("uses the worker's ErrorDetail: kind, python type, traceback, status code, retryable", () => {
    const error = mapGrpcError(
      serviceError(status.UNAVAILABLE, {
        kind: ErrorKind.ERROR_KIND_MODEL_HTTP_ERROR,
        message: "rate limited",
        pythonType: "pydantic_ai.exceptions.ModelHTTPError",
        traceback: "Traceback ...",
        retryable: true,
        statusCode: 429,
      }),
      context,
    );
    expect(error).toBeInstanceOf(ModelHttpError);
    expect(error).toMatchObject({
      message: "rate limited",
      pythonType: "pydantic_ai.exceptions.ModelHTTPError",
      pythonTraceback: "Traceback ...",
      statusCode: 429,
      retryable: true,
      agent: "echo",
      runId: "r1",
    });
    const limit = mapGrpcError(
      serviceError(status.RESOURCE_EXHAUSTED, { kind: ErrorKind.ERROR_KIND_USAGE_LIMIT_EXCEEDED }),
      context,
    );
    expect(limit).toBeInstanceOf(UsageLimitExceededError);
  });

  it("falls back to the status code when there is no detail", () => {
    expect(mapGrpcError(serviceError(status.CANCELLED), context)).toBeInstanceOf(CancelledError);
    expect(mapGrpcError(serviceError(status.DEADLINE_EXCEEDED), context)).toMatchObject({
      code: "timeout",
      timeoutMs: 50,
    });
    expect(mapGrpcError(serviceError(status.UNAVAILABLE), context)).toMatchObject({
      code: "worker_crashed",
      retryable: true,
    });
    expect(mapGrpcError(serviceError(status.UNKNOWN), context).code).toBe("internal");
  });
});
