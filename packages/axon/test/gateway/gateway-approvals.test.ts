import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingRefund } from "../helpers/refund-tool.js";
import { BOOT_TIMEOUT_MS, type DemoGateway, startDemoGateway } from "./demo-gateway.js";

const { refund, refunded } = recordingRefund();

let gateway: DemoGateway;
beforeAll(async () => {
  gateway = await startDemoGateway({
    agents: { orders: { module: "examples.agents.orders:agent", tools: { refund } } },
  });
}, BOOT_TIMEOUT_MS);
afterAll(() => gateway?.close());

/** POSTs `refund 42` and returns the paused result. */
async function pausedRefund() {
  const response = await gateway.request("/v1/agents/orders/run", { json: { prompt: "refund 42" } });
  expect(response.status).toBe(200);
  return response.json();
}

describe("approvals over POST /v1/agents/:name/run", () => {
  it("answers a run paused on a needsApproval tool with its pending approvals and a null output", async () => {
    const paused = await pausedRefund();
    expect(paused.output).toBeNull();
    expect(paused.pendingApprovals).toEqual([
      {
        toolCallId: expect.any(String),
        toolName: "refund",
        args: { id: "42" },
        signature: expect.stringMatching(/^v1\./),
      },
    ]);
  });

  it("continues with an empty prompt, the history and the approval, and runs the tool", async () => {
    refunded.length = 0;
    const paused = await pausedRefund();
    const toolCallId = paused.pendingApprovals[0].toolCallId;
    const response = await gateway.request("/v1/agents/orders/run", {
      json: { prompt: "", messageHistory: paused.allMessages, approvals: { [toolCallId]: true } },
    });
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result.pendingApprovals).toBeUndefined();
    expect(result.output).toContain("99.5");
    expect(refunded).toEqual(["42"]);
  });

  it("tells the model the reason of a denial and never runs the tool", async () => {
    refunded.length = 0;
    const paused = await pausedRefund();
    const toolCallId = paused.pendingApprovals[0].toolCallId;
    const response = await gateway.request("/v1/agents/orders/run", {
      json: {
        prompt: "",
        messageHistory: paused.allMessages,
        approvals: { [toolCallId]: { denied: "ask a manager" } },
      },
    });
    expect((await response.json()).output).toBe("ask a manager");
    expect(refunded).toEqual([]);
  });

  it("refuses an empty prompt without a history, naming the field", async () => {
    const response = await gateway.request("/v1/agents/orders/run", { json: { prompt: "" } });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: "invalid_request", field: "prompt" });
  });

  it("refuses an approval that is neither true, false nor {denied}", async () => {
    const response = await gateway.request("/v1/agents/orders/run", {
      json: { prompt: "", messageHistory: [{ kind: "request", parts: [] }], approvals: { call_1: "yes" } },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.field).toMatch(/^approvals/);
  });
});
