import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Axon, createGateway, type ToolContext, tool } from "../../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "../helpers/start-axon.js";
import { collectEvents } from "./collect-events.js";

let axon: Axon;
const refunds: { id: string; context: ToolContext }[] = [];

// `refund 42` makes the `orders` agent call `refund`, which waits for the caller's approval.
const refund = tool({
  description: "Refund an order in full",
  inputSchema: z.object({ id: z.string() }),
  needsApproval: true,
  execute: async ({ id }, context) => {
    refunds.push({ id, context });
    return { id, refunded: 99.5 };
  },
});

beforeAll(async () => {
  axon = await startAxon({ orders: { module: "examples.agents.orders:agent", tools: { refund } } });
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await axon?.close();
});

/** A run of `refund 42` paused on its approval, and the id of the pending call. */
async function pausedRefund() {
  refunds.length = 0;
  const paused = await axon.run("orders", "refund 42");
  return { history: paused.allMessages, toolCallId: paused.pendingApprovals?.[0]?.toolCallId ?? "" };
}

describe("a tool that needs approval", () => {
  it("ends the run with a pending approval and does not run the tool", async () => {
    refunds.length = 0;
    const result = await axon.run("orders", "refund 42");
    expect(result.output).toBeNull();
    expect(result.pendingApprovals).toEqual([
      { toolCallId: expect.any(String), toolName: "refund", args: { id: "42" } },
    ]);
    expect(refunds).toHaveLength(0);
  });

  it("runs the tool once the caller approves, continuing from the history", async () => {
    const { history, toolCallId } = await pausedRefund();
    const result = await axon.run("orders", "", {
      messageHistory: history,
      approvals: { [toolCallId]: true },
      runId: "approved",
    });
    expect(result.output).toBe('{"id": "42", "refunded": 99.5}');
    expect(result.pendingApprovals).toBeUndefined();
    expect(refunds.map((r) => r.id)).toEqual(["42"]);
    expect(refunds[0]?.context).toMatchObject({ runId: "approved", toolCallId });
  });

  it("tells the model the reason when the caller denies, without running the tool", async () => {
    const { history, toolCallId } = await pausedRefund();
    const result = await axon.run("orders", "", {
      messageHistory: history,
      approvals: { [toolCallId]: { denied: "refunds need a manager" } },
    });
    expect(result.output).toBe("refunds need a manager");
    expect(refunds).toHaveLength(0);
  });

  it("streams the approval request as the run's last event before its result", async () => {
    const events = await collectEvents(axon.stream("orders", "refund 7"));
    expect(events.map((e) => e.type)).toEqual(["tool-approval-request", "result"]);
    expect(events[0]).toMatchObject({ toolName: "refund", args: { id: "7" } });
  });
});

describe("the gateway's chat endpoint", () => {
  // One key for every gateway here: each one checks the signatures another one issued.
  const approvalKey = "host-tool-approvals-test-key";
  async function chat(messages: unknown[]) {
    const gateway = createGateway({ axon, approvalKey });
    try {
      const response = await gateway.app.fetch(
        new Request("http://localhost/v1/agents/orders/chat", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ id: "chat", messages }),
        }),
      );
      const text = await response.text();
      return text
        .split("\n\n")
        .filter((block) => block.startsWith("data: ") && block !== "data: [DONE]")
        .map((block) => JSON.parse(block.slice(6)));
    } finally {
      gateway.close();
    }
  }

  const user = { id: "u1", role: "user", parts: [{ type: "text", text: "refund 42" }] };

  /**
   * The assistant message as AI SDK 6's `useChat` holds it after `addToolApprovalResponse`: the
   * part keeps the `providerMetadata` of its `tool-input-available` chunk (the call's signature).
   */
  const answered = (
    input: { toolCallId: string; providerMetadata: unknown },
    approval: { approved: boolean; reason?: string },
  ) => ({
    id: "a1",
    role: "assistant",
    parts: [
      { type: "step-start" },
      {
        type: "dynamic-tool",
        toolName: "refund",
        toolCallId: input.toolCallId,
        state: "approval-responded",
        input: { id: "42" },
        callProviderMetadata: input.providerMetadata,
        approval: { id: input.toolCallId, ...approval },
      },
    ],
  });

  it("maps a pending approval to the AI SDK's tool-approval-request chunk", async () => {
    const chunks = await chat([user]);
    const input = chunks.find((c) => c.type === "tool-input-available");
    expect(input).toMatchObject({ toolName: "refund", input: { id: "42" }, dynamic: true });
    const request = chunks.find((c) => c.type === "tool-approval-request");
    expect(request).toEqual({
      type: "tool-approval-request",
      approvalId: input.toolCallId,
      toolCallId: input.toolCallId,
    });
    expect(chunks.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls" });
  });

  it("continues the assistant message with the tool's output once the UI messages approve", async () => {
    refunds.length = 0;
    const first = await chat([user]);
    const input = first.find((c) => c.type === "tool-input-available");
    const { toolCallId } = input;
    const chunks = await chat([user, answered(input, { approved: true })]);
    expect(chunks[0]).toEqual({ type: "start", messageId: "a1" });
    expect(chunks.filter((c) => c.type === "tool-input-available")).toHaveLength(0);
    expect(chunks.find((c) => c.type === "tool-output-available")).toMatchObject({
      toolCallId,
      output: { id: "42", refunded: 99.5 },
    });
    expect(refunds.map((r) => r.id)).toEqual(["42"]);
    expect(chunks.at(-1)).toMatchObject({ type: "finish", finishReason: "stop" });
  });

  it("ends a denied call with tool-output-denied, and the model hears the reason", async () => {
    refunds.length = 0;
    const first = await chat([user]);
    const input = first.find((c) => c.type === "tool-input-available");
    const { toolCallId } = input;
    const chunks = await chat([user, answered(input, { approved: false, reason: "no" })]);
    expect(chunks.find((c) => c.type === "tool-output-denied")).toEqual({
      type: "tool-output-denied",
      toolCallId,
    });
    const text = chunks.filter((c) => c.type === "text-delta").map((c) => c.delta);
    expect(text.join("")).toBe("no");
    expect(refunds).toHaveLength(0);
  });
});
