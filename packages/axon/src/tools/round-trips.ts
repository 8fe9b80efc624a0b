import { isAxonError } from "../errors/axon-error.js";
import { AxonTimeoutError } from "../errors/host-errors.js";
import { UnexpectedModelBehaviorError } from "../errors/worker-errors.js";
import type { RunRequest, RunResponse, ToolCall, Usage } from "../gen/axon/v1/run.js";
import type { RunEvent, RunResult } from "../run/run-types.js";
import type { RunTrace } from "../telemetry/run-trace.js";
import { toRunResult } from "../transport/map-run-event.js";
import type { EventSink } from "../transport/worker-endpoint.js";
import { type Approvals, toPendingApprovals } from "./approvals.js";
import { runToolCall, type ToolCallOutcome } from "./run-tool-call.js";
import type { ToolSet } from "./tool.js";

export interface RoundTripsOptions {
  agent: string;
  runId: string;
  /** The first round trip's request: host tools, prompt or history, approval decisions. */
  request: RunRequest;
  tools: ToolSet | undefined;
  /** The run's signal (cancellation). */
  signal: AbortSignal;
  /** The run's absolute deadline (ms since epoch), which tool calls must respect too. Default: none. */
  deadline?: number;
  timeoutMs?: number;
  /** A streamed run's events. Default: none (a unary run). */
  onEvent?: EventSink;
  /** The run's spans: each host tool call gets one. Default: none. */
  trace?: RunTrace;
  /** The approval decisions the run continues with (a span tells an approved call). Default: none. */
  approvals?: Approvals;
  /** One round trip on some worker (with the run's retries). */
  call(request: RunRequest, onEvent?: EventSink): Promise<RunResponse>;
}

/**
 * A run as one result however many round trips it takes (docs/tools.md): each response that
 * defers host tool calls is answered by running them here and continuing with the history and
 * the results. Usage adds up; `newMessages` spans every round trip.
 */
export async function runRoundTrips<T>(options: RoundTripsOptions): Promise<RunResult<T>> {
  const { runId, tools = {} } = options;
  const hostTools = new Set(Object.keys(tools));
  // Host tools' events come from here, when the call really runs; the worker's copies of them
  // (a tool-call before the deferral, a tool-result when the answer comes back) would repeat them.
  const answered = new Set<string>();
  const emit = options.onEvent;
  const onEvent =
    emit &&
    ((event: RunEvent) => {
      if (event.type === "tool-call" && hostTools.has(event.toolName)) return;
      if (event.type === "tool-result" && answered.has(event.toolCallId)) return;
      return emit(event);
    });
  const usage: Usage = { requests: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  let request = options.request;
  let firstNew: number | undefined;
  let lastFailures = new Map<string, string>();
  for (let trip = 1; ; trip++) {
    let response: RunResponse;
    try {
      response = await options.call(request, onEvent);
    } catch (error) {
      // Errors of later round trips carry the round trip's id (`<runId>.2`); the caller knows one run.
      if (isAxonError(error)) error.runId = runId;
      throw explainExhausted(error, lastFailures, runId);
    }
    for (const key of Object.keys(usage) as (keyof Usage)[]) usage[key] += response.usage?.[key] ?? 0;
    const result = toRunResult<T>({ ...response, usage });
    firstNew ??= result.allMessages.length - result.newMessages.length;
    result.newMessages = result.allMessages.slice(firstNew);
    result.runId = runId;
    const { calls = [], approvals = [] } = response.deferred ?? {};
    if (approvals.length > 0) {
      // Deciding is the caller's: the run ends here and continues with `approvals` (plain calls
      // beside these stay open in the history and run after the decision).
      result.pendingApprovals = toPendingApprovals(approvals);
      for (const pending of result.pendingApprovals) emit?.({ type: "tool-approval-request", ...pending });
      return result;
    }
    if (calls.length === 0) return result;
    const outcomes = await runCalls(options, calls, tools, (outcome) => {
      answered.add(outcome.result.toolCallId);
      emit?.(outcome.event);
    });
    // pydantic-ai counts a tool call when its function ran; for host tools that happens here.
    usage.toolCalls += outcomes.filter((o) => o.event.retry === undefined).length;
    lastFailures = new Map(
      outcomes.flatMap((o) => (o.event.retry ? [[o.event.toolName, o.event.retry]] : [])),
    );
    request = {
      ...request,
      prompt: "",
      messageHistoryJson: response.allMessagesJson,
      deferredToolResults: outcomes.map((o) => o.result),
      // The worker refuses a run id already in the history: each round trip is a pydantic-ai run.
      runId: `${runId}.${trip + 1}`,
    };
  }
}

async function runCalls(
  options: RoundTripsOptions,
  calls: ToolCall[],
  tools: ToolSet,
  onOutcome: (outcome: ToolCallOutcome) => void,
): Promise<ToolCallOutcome[]> {
  const { agent, runId, deadline, timeoutMs } = options;
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal.reason);
  options.signal.addEventListener("abort", onAbort, { once: true });
  if (options.signal.aborted) onAbort();
  const timer =
    deadline === undefined
      ? undefined
      : setTimeout(
          () => {
            const message = `the run did not finish within ${timeoutMs} ms (a host tool was running)`;
            controller.abort(new AxonTimeoutError({ message, agent, runId, timeoutMs }));
          },
          Math.max(0, deadline - Date.now()),
        );
  try {
    for (const call of calls) {
      options.onEvent?.({
        type: "tool-call",
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        args: toPendingApprovals([call])[0]?.args,
      });
    }
    const scope = {
      agent,
      runId,
      signal: controller.signal,
      trace: options.trace,
      approvals: options.approvals,
    };
    return await Promise.all(
      calls.map((call) =>
        runToolCall(call, tools, scope).then((outcome) => {
          onOutcome(outcome);
          return outcome;
        }),
      ),
    );
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
  }
}

/** A host tool's retries ran out (the worker's `toolName`): say so, with what the tool said last. */
function explainExhausted(error: unknown, lastFailures: Map<string, string>, runId: string): unknown {
  if (!isAxonError(error) || error.code !== "unexpected_model_behavior") return error;
  const name = error.toolName;
  const last = name === undefined ? undefined : lastFailures.get(name);
  if (name === undefined || last === undefined) return error;
  return new UnexpectedModelBehaviorError({
    message: `host tool "${name}" kept failing, past the agent's retries (${error.message}); its last error: ${last}`,
    agent: error.agent,
    runId,
    pythonType: error.pythonType,
    pythonTraceback: error.pythonTraceback,
    toolName: name,
    cause: error,
  });
}
