// AI SDK 5 UIMessages as `useChat` posts them, for the chat tests.

export const userMessage = (id: string, text: string) => ({
  id,
  role: "user" as const,
  parts: [{ type: "text", text }],
});

export const assistantMessage = (id: string, text: string) => ({
  id,
  role: "assistant" as const,
  parts: [{ type: "step-start" }, { type: "text", text }],
});

/** An answer in two steps: the `add` tool called with its output, then the text "5". */
export const toolAnswer = {
  id: "2",
  role: "assistant" as const,
  parts: [
    { type: "step-start" },
    {
      type: "dynamic-tool",
      toolName: "add",
      toolCallId: "c1",
      state: "output-available",
      input: { a: 2, b: 3 },
      output: 5,
    },
    { type: "step-start" },
    { type: "text", text: "5" },
  ],
};
