// AI SDK 5 `UIMessage`s → a prompt plus a pydantic-ai message history. The last message must
// be the user's; it becomes the prompt, the rest becomes the history, in pydantic-ai's own
// JSON shape (pydantic_ai/messages.py: `ModelRequest` / `ModelResponse` with `part_kind`s),
// which the worker validates with `ModelMessagesTypeAdapter`.
//
// An assistant message holds steps: text and tool calls, then (after a `step-start` or the
// tool outputs) more text. Each step becomes a `ModelResponse`, and its tool outputs the
// `ModelRequest` of `tool-return`s that answered it, as pydantic-ai records a run.
import { z } from "zod";
import { DEFAULT_DENIED_MESSAGE } from "../tools/approvals.js";
import { HttpError } from "./http-error.js";
import type { UIMessageInput } from "./request-schemas.js";

type Part = Record<string, unknown>;
export type ModelMessage = { kind: "request" | "response"; parts: Part[] };

const textPart = z.looseObject({ text: z.string() });
const toolPart = z.looseObject({
  toolCallId: z.string().min(1),
  state: z.string(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  errorText: z.string().optional(),
  // AI SDK 6 human-in-the-loop: `approval-responded` / `output-denied` parts carry the decision.
  approval: z.looseObject({ approved: z.boolean().optional(), reason: z.string().optional() }).optional(),
  // Where the gateway put the call's signature (pending-call-signer.ts); other providers' keys may sit beside it.
  callProviderMetadata: z.unknown().optional(),
});

/** What a chat request runs: a prompt and history, or (answering approvals) history and decisions. */
export interface ChatRun {
  prompt: string;
  messageHistory: ModelMessage[];
  /** Decisions by tool call id, when the last message is the assistant's with answered approvals. */
  approvals?: Record<string, boolean | { denied: string }>;
}

export function chatToRun(messages: UIMessageInput[]): ChatRun {
  const last = messages.at(-1);
  const lastIndex = messages.length - 1;
  const approvals = last?.role === "assistant" ? answeredApprovals(last, lastIndex) : {};
  if (Object.keys(approvals).length > 0) {
    // `useChat` sends the conversation back with the user's decisions on the last assistant
    // message: the run continues from there, with no new prompt.
    return { prompt: "", messageHistory: toHistory(messages), approvals };
  }
  if (last?.role !== "user") {
    throw new HttpError(400, "invalid_request", "the last message must be the user's", {
      field: `messages[${lastIndex}].role`,
    });
  }
  return { prompt: userText(last, lastIndex), messageHistory: toHistory(messages.slice(0, -1)) };
}

function toHistory(messages: UIMessageInput[]): ModelMessage[] {
  const history: ModelMessage[] = [];
  messages.forEach((message, index) => {
    if (message.role === "assistant") history.push(...assistantMessages(message, index));
    else history.push(requestMessage(message, index));
  });
  return mergeRequests(history);
}

function answeredApprovals(message: UIMessageInput, index: number): NonNullable<ChatRun["approvals"]> {
  const approvals: NonNullable<ChatRun["approvals"]> = {};
  for (const [p, part] of message.parts.entries()) {
    if (part.state !== "approval-responded") continue;
    const tool = parse(toolPart, part, `messages[${index}].parts[${p}]`);
    const { approved, reason } = tool.approval ?? {};
    approvals[tool.toolCallId] = approved === true ? true : reason ? { denied: reason } : false;
  }
  return approvals;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${field}.${issue.path.join(".")}` : field;
  throw new HttpError(400, "invalid_request", `${where}: ${issue?.message ?? "invalid"}`, { field: where });
}

function texts(message: UIMessageInput, index: number): string[] {
  return message.parts.flatMap((part, p) =>
    part.type === "text" ? [parse(textPart, part, `messages[${index}].parts[${p}]`).text] : [],
  );
}

function userText(message: UIMessageInput, index: number): string {
  const file = message.parts.findIndex((part) => part.type === "file");
  if (file >= 0) {
    // axon.run takes a text prompt; files would need a multi-part prompt in the contract.
    throw new HttpError(400, "invalid_request", "file parts are not supported yet", {
      field: `messages[${index}].parts[${file}]`,
    });
  }
  return texts(message, index).join("\n");
}

function requestMessage(message: UIMessageInput, index: number): ModelMessage {
  const content = userText(message, index);
  const part_kind = message.role === "system" ? "system-prompt" : "user-prompt";
  return { kind: "request", parts: [{ part_kind, content }] };
}

function assistantMessages(message: UIMessageInput, index: number): ModelMessage[] {
  const out: ModelMessage[] = [];
  let response: Part[] = [];
  let returns: Part[] = [];
  const flush = () => {
    if (response.length > 0) out.push({ kind: "response", parts: response });
    if (returns.length > 0) out.push({ kind: "request", parts: returns });
    response = [];
    returns = [];
  };
  for (const [p, part] of message.parts.entries()) {
    const field = `messages[${index}].parts[${p}]`;
    const isTool = part.type === "dynamic-tool" || part.type.startsWith("tool-");
    if (part.type === "step-start") {
      flush();
      continue;
    }
    // Text after a tool's output belongs to the next model response.
    if (!isTool && returns.length > 0 && (part.type === "text" || part.type === "reasoning")) flush();
    if (part.type === "text")
      response.push({ part_kind: "text", content: parse(textPart, part, field).text });
    else if (part.type === "reasoning")
      response.push({ part_kind: "thinking", content: parse(textPart, part, field).text });
    else if (isTool) {
      const tool = parse(toolPart, part, field);
      const toolName =
        part.type === "dynamic-tool" ? String(part.toolName ?? "") : part.type.slice("tool-".length);
      const ids = { tool_name: toolName, tool_call_id: tool.toolCallId };
      // An answered approval is the call the run continues with: it stays open in the history.
      // Its signature goes where the gateway checks it on every route: the call part's provider_details.
      if (tool.state === "approval-responded") {
        const signature = signatureOf(tool.callProviderMetadata);
        const stamp = signature === undefined ? {} : { provider_details: { axon_signature: signature } };
        response.push({ part_kind: "tool-call", ...ids, args: tool.input ?? {}, ...stamp });
        continue;
      }
      // A call without an outcome (still streaming, or awaiting approval) never reached the
      // model's next turn: leave it out, as providers reject unanswered tool calls.
      if (!["output-available", "output-error", "output-denied"].includes(tool.state)) continue;
      response.push({ part_kind: "tool-call", ...ids, args: tool.input ?? {} });
      returns.push(
        tool.state === "output-available"
          ? { part_kind: "tool-return", ...ids, content: tool.output ?? null }
          : tool.state === "output-denied"
            ? { part_kind: "tool-return", ...ids, content: tool.approval?.reason ?? DEFAULT_DENIED_MESSAGE }
            : { part_kind: "retry-prompt", ...ids, content: tool.errorText ?? "tool failed" },
      );
    }
    // Other kinds (sources, data-*, files from the model) carry nothing the model needs back.
  }
  flush();
  return out;
}

/** `callProviderMetadata.axon.signature`, as the `tool-input-available` chunk sent it (ui-message-chunks.ts). */
function signatureOf(metadata: unknown): string | undefined {
  const axon = (metadata as { axon?: { signature?: unknown } } | null | undefined)?.axon;
  return typeof axon?.signature === "string" ? axon.signature : undefined;
}

/** pydantic-ai expects requests and responses to alternate: fold adjacent requests together. */
function mergeRequests(messages: ModelMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    const previous = out.at(-1);
    if (previous?.kind === "request" && message.kind === "request") previous.parts.push(...message.parts);
    else out.push({ kind: message.kind, parts: [...message.parts] });
  }
  return out;
}
