// Each error kind end to end: a real worker (examples/agents/faults.py) over real gRPC, unary and
// streamed, reaches the caller as its class with the facts as fields (docs/errors.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Axon,
  type AxonError,
  type AxonErrorCode,
  AxonTimeoutError,
  CancelledError,
  InternalError,
  ModelApiError,
  ModelHttpError,
  OutputValidationError,
  UnexpectedModelBehaviorError,
  UsageLimitExceededError,
  UserError,
} from "../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "./helpers/start-axon.js";

let axon: Axon;

beforeAll(async () => {
  axon = await startAxon({ faults: { module: "examples.agents.faults:agent" } });
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
});

interface Expected {
  prompt: string;
  class: new (...args: never[]) => AxonError;
  code: AxonErrorCode;
  retryable: boolean;
  pythonType: string;
  facts?: Record<string, unknown>;
}

const cases: Expected[] = [
  {
    prompt: "http 429",
    class: ModelHttpError,
    code: "model_http_error",
    retryable: true,
    pythonType: "ModelHTTPError",
    facts: { statusCode: 429 },
  },
  {
    prompt: "http 503",
    class: ModelHttpError,
    code: "model_http_error",
    retryable: true,
    pythonType: "ModelHTTPError",
    facts: { statusCode: 503 },
  },
  {
    prompt: "http 400",
    class: ModelHttpError,
    code: "model_http_error",
    retryable: false,
    pythonType: "ModelHTTPError",
    facts: { statusCode: 400 },
  },
  {
    prompt: "api",
    class: ModelApiError,
    code: "model_api_error",
    retryable: true,
    pythonType: "ModelAPIError",
  },
  {
    prompt: "odd",
    class: UnexpectedModelBehaviorError,
    code: "unexpected_model_behavior",
    retryable: false,
    pythonType: "UnexpectedModelBehavior",
    facts: { toolName: undefined },
  },
  {
    prompt: "retry",
    class: UnexpectedModelBehaviorError,
    code: "unexpected_model_behavior",
    retryable: false,
    pythonType: "UnexpectedModelBehavior",
    facts: { toolName: "flaky" },
  },
  {
    prompt: "output",
    class: OutputValidationError,
    code: "output_validation",
    retryable: false,
    pythonType: "UnexpectedModelBehavior",
  },
  { prompt: "user", class: UserError, code: "user_error", retryable: false, pythonType: "UserError" },
  {
    prompt: "timeout",
    class: AxonTimeoutError,
    code: "timeout",
    retryable: false,
    pythonType: "RunTimedOut",
  },
  {
    prompt: "cancel",
    class: CancelledError,
    code: "cancelled",
    retryable: false,
    pythonType: "RunCancelled",
  },
  { prompt: "raise", class: InternalError, code: "internal", retryable: false, pythonType: "ValueError" },
];

async function streamed(prompt: string): Promise<unknown> {
  try {
    for await (const _ of axon.stream("faults", prompt)) {
      // only the error matters
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("each way an agent fails", () => {
  for (const expected of cases) {
    it(`'${expected.prompt}' reaches the caller as ${expected.class.name} (${expected.code}), run and stream alike`, async () => {
      for (const error of [
        await axon.run("faults", expected.prompt).catch((e) => e),
        await streamed(expected.prompt),
      ]) {
        expect(error).toBeInstanceOf(expected.class);
        expect(error).toMatchObject({
          code: expected.code,
          retryable: expected.retryable,
          agent: "faults",
          ...expected.facts,
        });
        expect(String(error.pythonType).split(".").at(-1)).toBe(expected.pythonType);
        expect(error.pythonTraceback).toContain(", line "); // its end: the last 3 KiB
        expect(error.runId).toEqual(expect.any(String));
      }
    });
  }

  it("'usage' with a requestLimit of 1 is a UsageLimitExceededError", async () => {
    const error = await axon.run("faults", "usage", { usageLimits: { requestLimit: 1 } }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageLimitExceededError);
    expect(error).toMatchObject({ code: "usage_limit_exceeded", retryable: false });
  });

  it("does not retry a worker timeout even when retries are allowed", async () => {
    const started = Date.now();
    const error = await axon
      .run("faults", "timeout", { retry: { attempts: 3, backoffMs: 2000 } })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "timeout", retryable: false });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
