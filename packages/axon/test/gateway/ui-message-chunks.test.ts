// RunEvents → AI SDK UI message chunks: steps, blocks and the end of a run.
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/gateway/axon-types.js";
import { UIMessageChunker } from "../../src/gateway/ui-message-chunks.js";

const usage = { requests: 1, toolCalls: 0, inputTokens: 1, outputTokens: 1, totalTokens: 2 };
const result = (output: unknown): RunResult => ({
  output,
  usage,
  newMessages: [],
  allMessages: [],
  runId: "r",
  model: "m",
});
const types = (chunks: { type: string }[]) => chunks.map((chunk) => chunk.type);

describe("UIMessageChunker", () => {
  it("wraps text deltas in one step and one text block", () => {
    const chunker = new UIMessageChunker("m1");
    const chunks = [
      ...chunker.start(),
      ...chunker.push({ type: "text-delta", text: "a" }),
      ...chunker.push({ type: "text-delta", text: "b" }),
      ...chunker.push({ type: "result", result: result("ab") }),
    ];
    expect(types(chunks)).toEqual([
      "start",
      "start-step",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "finish-step",
      "finish",
    ]);
    expect(chunks.at(-1)).toMatchObject({ finishReason: "stop", messageMetadata: { runId: "r", usage } });
  });

  it("starts a new step for the model's answer after tool results", () => {
    const chunker = new UIMessageChunker("m1");
    const chunks = [
      ...chunker.push({ type: "tool-call", toolCallId: "c", toolName: "add", args: { a: 1 } }),
      ...chunker.push({ type: "tool-result", toolCallId: "c", toolName: "add", result: 2 }),
      ...chunker.push({ type: "text-delta", text: "2" }),
    ];
    expect(types(chunks)).toEqual([
      "start-step",
      "tool-input-available",
      "tool-output-available",
      "finish-step",
      "start-step",
      "text-start",
      "text-delta",
    ]);
    expect(chunks[1]).toMatchObject({ toolName: "add", input: { a: 1 }, dynamic: true });
  });

  it("reports a tool retry as a tool output error", () => {
    const chunker = new UIMessageChunker("m1");
    chunker.push({ type: "tool-call", toolCallId: "c", toolName: "t", args: {} });
    expect(chunker.push({ type: "tool-result", toolCallId: "c", toolName: "t", retry: "try again" })).toEqual(
      [{ type: "tool-output-error", toolCallId: "c", errorText: "try again", dynamic: true }],
    );
  });

  it("shows a structured output as JSON text when no text was streamed", () => {
    const chunker = new UIMessageChunker("m1");
    chunker.push({ type: "output-delta", partial: { city: "Pa" } });
    const chunks = chunker.push({ type: "result", result: result({ city: "Paris" }) });
    expect(chunks.find((chunk) => chunk.type === "text-delta")).toMatchObject({
      delta: JSON.stringify({ city: "Paris" }, null, 2),
    });
  });

  it("closes open blocks and steps before an error", () => {
    const chunker = new UIMessageChunker("m1");
    chunker.push({ type: "thinking-delta", text: "hmm" });
    expect(types(chunker.fail("internal: boom"))).toEqual(["reasoning-end", "finish-step", "error"]);
  });
});
