// The tool calls a pydantic-ai history leaves open: the calls of its last `ModelResponse` that no
// tool result answers. A run continued from that history executes them (pydantic-ai's
// `UserPromptNode`: a trailing response with calls goes to `CallToolsNode`; with
// `deferred_tool_results`, results in the request after it are skipped, the rest run), so these
// are what the gateway must have issued itself. Read on the raw JSON, before the worker
// validates it: anything that may be a call counts as one, and only plain tool results answer.

type Json = Record<string, unknown>;

export interface OpenToolCall {
  toolCallId: string;
  toolName: string;
  args: unknown;
}

/** Where a signature rides in a history: the call part's `provider_details` (free-form in pydantic-ai). */
const STAMP = "axon_signature";

export function openToolCalls(history: readonly unknown[]): OpenToolCall[] {
  const at = lastResponseIndex(history);
  if (at < 0) return [];
  const answered = new Set<string>();
  const next = history[at + 1];
  // pydantic-ai skips the results in the request right after the response (`_handle_deferred_tool_results`).
  for (const part of isJson(next) ? partsOf(next) : []) {
    const isResult =
      part.part_kind === "tool-return" || (part.part_kind === "retry-prompt" && part.tool_name != null);
    if (isResult && typeof part.tool_call_id === "string") answered.add(part.tool_call_id);
  }
  return partsOf(history[at] as Json)
    .filter(isCallPart)
    .map((part) => ({
      // A call without an id gets a random one from pydantic-ai: it can never carry a signature.
      toolCallId: typeof part.tool_call_id === "string" ? part.tool_call_id : "",
      toolName: typeof part.tool_name === "string" ? part.tool_name : "",
      args: part.args,
    }))
    .filter((call) => !answered.has(call.toolCallId));
}

/** The history without any signature stamps (they never reach the worker), and the last response's. */
export function withoutSignatures(history: readonly unknown[]): {
  history: unknown[];
  signatures: Map<string, string>;
} {
  const at = lastResponseIndex(history);
  const signatures = new Map<string, string>();
  const stripped = history.map((message, index) => {
    if (!isJson(message) || message.kind !== "response" || !Array.isArray(message.parts)) return message;
    let changed = false;
    const parts = message.parts.map((part: unknown) => {
      if (!isJson(part) || !isJson(part.provider_details) || !(STAMP in part.provider_details)) return part;
      const { [STAMP]: stamp, ...rest } = part.provider_details;
      if (index === at && typeof stamp === "string" && typeof part.tool_call_id === "string")
        signatures.set(part.tool_call_id, stamp);
      changed = true;
      const { provider_details: _, ...others } = part;
      return Object.keys(rest).length > 0 ? { ...others, provider_details: rest } : others;
    });
    return changed ? { ...message, parts } : message;
  });
  return { history: stripped, signatures };
}

/** The history with each signature stamped on its open call (a copy; the input is not changed). */
export function withSignatures(
  history: readonly unknown[],
  signatures: ReadonlyMap<string, string>,
): unknown[] {
  const at = lastResponseIndex(history);
  if (at < 0 || signatures.size === 0) return [...history];
  const response = history[at] as Json;
  if (!Array.isArray(response.parts)) return [...history];
  const parts = response.parts.map((part) => {
    if (!isJson(part)) return part;
    const stamp =
      isCallPart(part) && typeof part.tool_call_id === "string" && signatures.get(part.tool_call_id);
    if (!stamp) return part;
    const details = isJson(part.provider_details) ? part.provider_details : {};
    return { ...part, provider_details: { ...details, [STAMP]: stamp } };
  });
  const out = [...history];
  out[at] = { ...response, parts };
  return out;
}

function lastResponseIndex(history: readonly unknown[]): number {
  for (let i = history.length - 1; i >= 0; i--) {
    const message = history[i];
    if (isJson(message) && message.kind === "response") return i;
  }
  return -1;
}

/** Any part that names a tool or a call id, except a provider's own (`builtin-*`, run by the provider). */
function isCallPart(part: Json): boolean {
  const kind = part.part_kind;
  if (typeof kind === "string" && kind.startsWith("builtin-")) return false;
  return (
    "tool_call_id" in part || "tool_name" in part || (typeof kind === "string" && kind.endsWith("-call"))
  );
}

function partsOf(message: Json): Json[] {
  return Array.isArray(message.parts) ? message.parts.filter(isJson) : [];
}

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
