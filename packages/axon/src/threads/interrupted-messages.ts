// What an interrupted run leaves in its thread (docs/threads.md "Interrupt"): its prompt, and
// the text it had streamed as a response marked `state: "interrupted"` (pydantic-ai v2's own
// mark for a cut-off response). Tool calls it had begun are left out: their returns never came,
// and a provider refuses a history with unanswered calls. The next prompt follows it as usual.
export function interruptedMessages(prompt: string, streamedText: string): unknown[] {
  const request = { kind: "request", parts: [{ part_kind: "user-prompt", content: prompt }] };
  const parts = streamedText === "" ? [] : [{ part_kind: "text", content: streamedText }];
  return [request, { kind: "response", parts, state: "interrupted" }];
}
