import { SpanStatusCode } from "@opentelemetry/api";
import { z } from "zod";
import { isAxonError } from "../errors/axon-error.js";
import { AxonTimeoutError } from "../errors/host-errors.js";
import type { DeferredToolResult, ToolCall } from "../gen/axon/v1/run.js";
import type { RunEvent } from "../run/run-types.js";
import { runMetrics } from "../telemetry/run-metrics.js";
import { endWithError, type RunTrace } from "../telemetry/run-trace.js";
import { parseJsonBytes } from "../transport/map-run-event.js";
import type { Approvals } from "./approvals.js";
import { DEFAULT_TOOL_TIMEOUT_MS, type ToolSet } from "./tool.js";

/** Where a call runs: the run it belongs to and its signal. */
export interface ToolCallScope {
  agent: string;
  runId: string;
  /** The run's signal: cancellation and the run's deadline. */
  signal: AbortSignal;
  /** The run's spans: the call gets an `execute_tool` span. Default: none. */
  trace?: RunTrace | undefined;
  /** The decisions the run continues with, for the span's `axon.tool.approval`. Default: none. */
  approvals?: Approvals | undefined;
}

/** A call's answer for the worker, and the `tool-result` event a stream shows. */
export interface ToolCallOutcome {
  result: DeferredToolResult;
  event: Extract<RunEvent, { type: "tool-result" }>;
}

/**
 * Runs one deferred call. Whatever goes wrong with the call itself (unknown name, arguments
 * that fail the schema, a throw, a timeout, a value that is not JSON) becomes a retry for the
 * model; only the run's own end (cancel, deadline) rejects, with the signal's reason.
 */
export async function runToolCall(
  call: ToolCall,
  tools: ToolSet,
  scope: ToolCallScope,
): Promise<ToolCallOutcome> {
  const decision = scope.approvals?.[call.toolCallId];
  const span = scope.trace?.tool(call.toolName, call.toolCallId, {
    "axon.tool.approval": decision === undefined ? "none" : decision === true ? "approved" : "denied",
  });
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const outcome = await executeToolCall(call, tools, scope);
    const retried = outcome.event.retry !== undefined;
    runMetrics.observeTool(scope.agent, call.toolName, retried ? "retry" : "ok", seconds());
    // A retry is the tool's failure told to the model, not the run's: an error status all the same.
    if (retried) span?.setStatus({ code: SpanStatusCode.ERROR, message: outcome.event.retry });
    span?.setAttribute("axon.tool.outcome", retried ? "retry" : "ok");
    return outcome;
  } catch (error) {
    runMetrics.observeTool(
      scope.agent,
      call.toolName,
      isAxonError(error) ? error.code : "internal",
      seconds(),
    );
    if (span) endWithError(span, error);
    throw error;
  } finally {
    span?.end();
  }
}

async function executeToolCall(
  call: ToolCall,
  tools: ToolSet,
  scope: ToolCallScope,
): Promise<ToolCallOutcome> {
  const { toolCallId, toolName } = call;
  const retry = (text: string): ToolCallOutcome => ({
    result: { toolCallId, result: { $case: "retryText", value: text } },
    event: { type: "tool-result", toolCallId, toolName, retry: text },
  });
  const t = Object.hasOwn(tools, toolName) ? tools[toolName] : undefined;
  if (!t) {
    // The words of pydantic-ai's own unknown tool retry (tool_manager.py `_resolve_tool`).
    const known = Object.keys(tools).map((name) => `'${name}'`);
    return retry(
      `Unknown tool name: '${toolName}'. ${known.length ? `Available tools: ${known.join(", ")}` : "No tools available."}`,
    );
  }
  const parsed = t.inputSchema.safeParse(parseJsonBytes(call.argsJson, {}));
  if (!parsed.success)
    return retry(`Invalid arguments for tool ${toolName}:\n${z.prettifyError(parsed.error)}`);

  const timeoutMs = t.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(scope.signal.reason);
  scope.signal.addEventListener("abort", onRunAbort, { once: true });
  // The tool's `context.signal.reason` when its own timeout passes: an AxonError, as every error Axon makes.
  const timedOut = new AxonTimeoutError({
    message: `tool ${toolName} did not finish within ${timeoutMs} ms`,
    agent: scope.agent,
    runId: scope.runId,
    timeoutMs,
  });
  const timer = setTimeout(() => controller.abort(timedOut), timeoutMs);
  try {
    const context = { runId: scope.runId, toolCallId, signal: controller.signal, agent: scope.agent };
    // A tool that ignores its signal must not hold the run: the race ends the call at the abort.
    const output = await Promise.race([
      Promise.resolve().then(() => t.execute(parsed.data, context)),
      aborted(controller.signal),
    ]);
    // `?? "null"`: JSON.stringify answers undefined for a function or a symbol.
    const json = JSON.stringify(output ?? null) ?? "null";
    return {
      result: { toolCallId, result: { $case: "returnJson", value: Buffer.from(json) } },
      event: { type: "tool-result", toolCallId, toolName, result: JSON.parse(json) },
    };
  } catch (error) {
    if (scope.signal.aborted) throw scope.signal.reason;
    const message = error instanceof Error ? error.message : String(error);
    return retry(`Tool ${toolName} failed: ${message}`);
  } finally {
    clearTimeout(timer);
    scope.signal.removeEventListener("abort", onRunAbort);
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
