// UIMessages → prompt + pydantic-ai history: the shapes, checked here without a worker; the
// chat endpoint's tests show a real worker accepts them.
import { describe, expect, it } from "vitest";
import { chatToRun } from "../../src/gateway/chat-history.js";
import { HttpError } from "../../src/gateway/http-error.js";
import { toolAnswer, userMessage as user } from "./ui-messages.js";

describe("chatToRun", () => {
  it("takes the last user message as the prompt and the rest as history", () => {
    const run = chatToRun([
      { id: "s", role: "system", parts: [{ type: "text", text: "be brief" }] },
      user("1", "hi"),
      { id: "2", role: "assistant", parts: [{ type: "step-start" }, { type: "text", text: "hello" }] },
      user("3", "again"),
    ]);
    expect(run.prompt).toBe("again");
    expect(run.messageHistory).toEqual([
      {
        kind: "request",
        parts: [
          { part_kind: "system-prompt", content: "be brief" },
          { part_kind: "user-prompt", content: "hi" },
        ],
      },
      { kind: "response", parts: [{ part_kind: "text", content: "hello" }] },
    ]);
  });

  it("turns a tool part into a tool call answered by a tool return, then the next response", () => {
    const run = chatToRun([user("1", "add 2 and 3"), toolAnswer, user("3", "thanks")]);
    expect(run.messageHistory.slice(1)).toEqual([
      {
        kind: "response",
        parts: [{ part_kind: "tool-call", tool_name: "add", tool_call_id: "c1", args: { a: 2, b: 3 } }],
      },
      {
        kind: "request",
        parts: [{ part_kind: "tool-return", tool_name: "add", tool_call_id: "c1", content: 5 }],
      },
      { kind: "response", parts: [{ part_kind: "text", content: "5" }] },
    ]);
  });

  it("reads the tool name of a typed `tool-<name>` part and turns a failed call into a retry prompt", () => {
    const run = chatToRun([
      user("1", "go"),
      {
        id: "2",
        role: "assistant",
        parts: [{ type: "tool-fetch", toolCallId: "c9", state: "output-error", input: {}, errorText: "404" }],
      },
      user("3", "again"),
    ]);
    expect(run.messageHistory[2]).toEqual({
      kind: "request",
      parts: [{ part_kind: "retry-prompt", tool_name: "fetch", tool_call_id: "c9", content: "404" }],
    });
  });

  it("leaves out tool calls that never got an outcome", () => {
    const run = chatToRun([
      user("1", "go"),
      {
        id: "2",
        role: "assistant",
        parts: [
          { type: "text", text: "let me see" },
          { type: "dynamic-tool", toolName: "t", toolCallId: "c", state: "input-available", input: {} },
        ],
      },
      user("3", "never mind"),
    ]);
    expect(run.messageHistory[1]).toEqual({
      kind: "response",
      parts: [{ part_kind: "text", content: "let me see" }],
    });
  });

  it.each([
    [[{ id: "1", role: "assistant" as const, parts: [{ type: "text", text: "x" }] }], "messages[0].role"],
    [[{ id: "1", role: "user" as const, parts: [{ type: "text", text: 3 }] }], "messages[0].parts[0].text"],
    [
      [{ id: "1", role: "user" as const, parts: [{ type: "file", url: "data:,", mediaType: "text/plain" }] }],
      "messages[0].parts[0]",
    ],
  ])("refuses %j naming %s", (messages, field) => {
    try {
      chatToRun(messages);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ status: 400, code: "invalid_request", details: { field } });
    }
  });
});
