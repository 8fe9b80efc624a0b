// A pydantic-ai message history (pydantic_ai/messages.py: `ModelRequest` / `ModelResponse` with
// `part_kind`s) as AI SDK 5 `UIMessage`s, ready for a chat UI: the reverse of
// gateway/chat-history.ts. A user's prompts become user messages; a model's responses, with the
// tool returns between them, one assistant message whose steps are split by `step-start`.
type Part = Record<string, unknown>;
type Message = { kind?: unknown; parts?: unknown };

export interface UIMessageView {
  id: string;
  role: "system" | "user" | "assistant";
  parts: Part[];
}

export function historyToUIMessages(history: unknown[], idPrefix = "m"): UIMessageView[] {
  const out: UIMessageView[] = [];
  let assistant: UIMessageView | undefined;
  const toolParts = new Map<string, Part>();
  history.forEach((raw, index) => {
    const message = (raw ?? {}) as Message;
    const parts = Array.isArray(message.parts) ? (message.parts as Part[]) : [];
    if (message.kind === "response") {
      if (!assistant) {
        assistant = { id: `${idPrefix}${index}`, role: "assistant", parts: [] };
        out.push(assistant);
      } else {
        assistant.parts.push({ type: "step-start" });
      }
      for (const part of parts) {
        const view = responsePart(part);
        if (!view) continue;
        if (typeof view.toolCallId === "string") toolParts.set(view.toolCallId, view);
        assistant.parts.push(view);
      }
      return;
    }
    for (const part of parts) {
      const kind = part.part_kind;
      if (kind === "tool-return" || kind === "retry-prompt") {
        const call = typeof part.tool_call_id === "string" ? toolParts.get(part.tool_call_id) : undefined;
        if (call && kind === "tool-return")
          Object.assign(call, { state: "output-available", output: part.content });
        else if (call) Object.assign(call, { state: "output-error", errorText: textOf(part.content) });
        continue;
      }
      if (kind === "user-prompt" || kind === "system-prompt") {
        assistant = undefined; // a new turn
        const role = kind === "user-prompt" ? "user" : "system";
        out.push({ id: `${idPrefix}${index}`, role, parts: [{ type: "text", text: textOf(part.content) }] });
      }
    }
  });
  return out;
}

function responsePart(part: Part): Part | undefined {
  switch (part.part_kind) {
    case "text":
      return { type: "text", text: textOf(part.content) };
    case "thinking":
      return { type: "reasoning", text: textOf(part.content) };
    case "tool-call":
      return {
        type: `tool-${String(part.tool_name ?? "")}`,
        toolCallId: String(part.tool_call_id ?? ""),
        // Until a return answers it: the run paused on it (approval) or was interrupted.
        state: "input-available",
        input: argsOf(part.args),
      };
    default:
      return undefined; // files, builtin tool parts: nothing a plain chat view shows yet
  }
}

/** pydantic-ai keeps a call's args as a dict or as the model's JSON string. */
function argsOf(args: unknown): unknown {
  if (typeof args !== "string") return args ?? {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.filter((c) => typeof c === "string").join("\n");
  return JSON.stringify(content ?? "");
}
