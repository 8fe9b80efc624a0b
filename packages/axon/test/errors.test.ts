import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { ErrorDetail, ErrorKind } from "../src/gen/axon/v1/errors.js";
import {
  AgentNotFoundError,
  AgentUnavailableError,
  AxonError,
  type AxonErrorCode,
  CancelledError,
  InternalError,
  isAxonError,
  ModelHttpError,
  TimeoutError,
  UnexpectedModelBehaviorError,
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

  it("are the only errors the library makes: no plain Error in src (the CLI's UsageError and the gateway's HttpError stay inside)", () => {
    const src = fileURLToPath(new URL("../src/", import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith(".ts") && !f.startsWith("gen/") && !f.endsWith(".test.ts"),
    );
    const plain = files.filter((f) =>
      /new Error\(|reject\(Error\(|throw Error\(/.test(readFileSync(join(src, f), "utf8")),
    );
    expect(plain).toEqual([]);
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

  it("maps every ErrorKind to its own code; a kind missing from this table fails tsc", () => {
    // Record<ErrorKind, ...>: a kind added to errors.proto is a type error here (and in the map).
    const codeOf: Record<ErrorKind, AxonErrorCode> = {
      [ErrorKind.ERROR_KIND_UNSPECIFIED]: "internal",
      [ErrorKind.ERROR_KIND_INVALID_REQUEST]: "invalid_request",
      [ErrorKind.ERROR_KIND_AGENT_NOT_FOUND]: "agent_not_found",
      [ErrorKind.ERROR_KIND_USAGE_LIMIT_EXCEEDED]: "usage_limit_exceeded",
      [ErrorKind.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR]: "unexpected_model_behavior",
      [ErrorKind.ERROR_KIND_MODEL_HTTP_ERROR]: "model_http_error",
      [ErrorKind.ERROR_KIND_MODEL_API_ERROR]: "model_api_error",
      [ErrorKind.ERROR_KIND_OUTPUT_VALIDATION]: "output_validation",
      [ErrorKind.ERROR_KIND_USER_ERROR]: "user_error",
      [ErrorKind.ERROR_KIND_CANCELLED]: "cancelled",
      [ErrorKind.ERROR_KIND_INTERNAL]: "internal",
      [ErrorKind.ERROR_KIND_TIMEOUT]: "timeout",
      [ErrorKind.ERROR_KIND_AGENT_UNAVAILABLE]: "agent_unavailable",
      [ErrorKind.UNRECOGNIZED]: "internal",
    };
    const kinds = Object.values(ErrorKind).filter((k): k is ErrorKind => typeof k === "number");
    expect(kinds.length).toBe(Object.keys(codeOf).length);
    for (const kind of kinds) {
      const error = mapGrpcError(
        serviceError(status.UNKNOWN, { kind, message: "m", retryable: true }),
        context,
      );
      expect(error.code).toBe(codeOf[kind]);
      expect(error.retryable).toBe(true); // as sent
    }
  });

  it("names the tool whose retries ran out as a field, not in text", () => {
    const error = mapGrpcError(
      serviceError(status.FAILED_PRECONDITION, {
        kind: ErrorKind.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR,
        message: "worded any way",
        toolName: "lookup",
      }),
      context,
    );
    expect(error).toBeInstanceOf(UnexpectedModelBehaviorError);
    expect(error.toolName).toBe("lookup");
    expect(error.toJSON()).toMatchObject({ toolName: "lookup" });
  });

  it("makes a draining worker's refusal a retryable AgentUnavailableError that says so", () => {
    const error = mapGrpcError(
      serviceError(status.UNAVAILABLE, {
        kind: ErrorKind.ERROR_KIND_AGENT_UNAVAILABLE,
        message: "the worker is stopping",
        retryable: true,
        draining: true,
      }),
      context,
    );
    expect(error).toBeInstanceOf(AgentUnavailableError);
    expect(error).toMatchObject({ code: "agent_unavailable", retryable: true, workerDraining: true });
    expect(error.toJSON()).toMatchObject({ workerDraining: true });
  });

  it("makes the worker's own deadline (RunTimedOut) a TimeoutError, not retryable", () => {
    const error = mapGrpcError(
      serviceError(status.DEADLINE_EXCEEDED, {
        kind: ErrorKind.ERROR_KIND_TIMEOUT,
        message: "The agent run timed out.",
        pythonType: "pydantic_ai.exceptions.RunTimedOut",
      }),
      context,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      code: "timeout",
      retryable: false,
      pythonType: "pydantic_ai.exceptions.RunTimedOut",
    });
  });

  it("keeps a kind of a newer worker in the message of an InternalError", () => {
    const error = mapGrpcError(
      serviceError(status.UNKNOWN, { kind: 99 as ErrorKind, message: "new" }),
      context,
    );
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe("worker error of unknown kind 99: new");
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
