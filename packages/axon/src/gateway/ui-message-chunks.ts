// RunEvents → AI SDK 5 UI message stream chunks (protocol v1, the chunk schema in the `ai`
// package: packages/ai/src/ui-message-stream/ui-message-chunks.ts). A stateful translator: it
// opens and closes text/reasoning blocks and starts a new step after each round of tool
// results, as the model answers them in a new response.
import type { RunEvent, RunResult } from "./axon-types.js";
import type { SignedRunEvent } from "./pending-call-signer.js";

export type UIMessageChunk = { type: string; [field: string]: unknown };

export class UIMessageChunker {
  private open: { kind: "text" | "reasoning"; id: string } | undefined;
  private blocks = 0;
  private stepOpen = false;
  private afterToolResult = false;
  private sawText = false;

  /**
   * @param answered Approval decisions the request carried, by tool call id (true: approved):
   * the client already shows those calls, so their input is not sent again, and a denied one
   * ends as `tool-output-denied`. Default: none.
   */
  constructor(
    private readonly messageId: string,
    private readonly answered: ReadonlyMap<string, boolean> = new Map(),
  ) {}

  start(): UIMessageChunk[] {
    return [{ type: "start", messageId: this.messageId }];
  }

  push(event: RunEvent | SignedRunEvent): UIMessageChunk[] {
    switch (event.type) {
      case "text-delta":
        this.sawText = true;
        return [
          ...this.step(),
          ...this.block("text"),
          { type: "text-delta", id: this.blockId(), delta: event.text },
        ];
      case "thinking-delta":
        return [
          ...this.step(),
          ...this.block("reasoning"),
          { type: "reasoning-delta", id: this.blockId(), delta: event.text },
        ];
      case "tool-call":
        if (this.answered.has(event.toolCallId)) return [...this.step(), ...this.close()];
        return this.toolInput(event);
      case "tool-result": {
        const chunks = [...this.close()];
        this.afterToolResult = true;
        if (this.answered.get(event.toolCallId) === false) {
          chunks.push({ type: "tool-output-denied", toolCallId: event.toolCallId });
        } else if (event.retry !== undefined && event.retry !== null) {
          const errorText = typeof event.retry === "string" ? event.retry : JSON.stringify(event.retry);
          chunks.push({ type: "tool-output-error", toolCallId: event.toolCallId, errorText, dynamic: true });
        } else {
          chunks.push({
            type: "tool-output-available",
            toolCallId: event.toolCallId,
            output: event.result ?? null,
            dynamic: true,
          });
        }
        return chunks;
      }
      case "tool-approval-request": {
        // AI SDK 6's human-in-the-loop chunks; the approval id is the call's id, so the
        // client's answer (`approval.id`) names the call directly. The call's signature rides in
        // its `providerMetadata`, which the AI SDK (5 and 6) keeps on the part as
        // `callProviderMetadata` and sends back with the answer.
        const signature = "signature" in event ? event.signature : undefined;
        return [
          ...this.toolInput(event, signature === undefined ? undefined : { axon: { signature } }),
          { type: "tool-approval-request", approvalId: event.toolCallId, toolCallId: event.toolCallId },
        ];
      }
      case "output-delta":
        // Partial structured output has no UI chunk; the final output is written at `finish`.
        return [];
      case "result":
        return this.finish(event.result);
    }
  }

  /** The end of a successful run: a structured output is shown as JSON text if no text came. */
  finish(result: RunResult): UIMessageChunk[] {
    const chunks: UIMessageChunk[] = [];
    if (!this.sawText && result.output !== undefined && result.output !== null) {
      const text = typeof result.output === "string" ? result.output : JSON.stringify(result.output, null, 2);
      chunks.push(...this.step(), ...this.block("text"), {
        type: "text-delta",
        id: this.blockId(),
        delta: text,
      });
      this.sawText = true;
    }
    chunks.push(...this.close());
    if (this.stepOpen) chunks.push({ type: "finish-step" });
    this.stepOpen = false;
    const messageMetadata = { runId: result.runId, model: result.model ?? null, usage: result.usage };
    // A run waiting for approvals stopped on tool calls, as the AI SDK reports such a step.
    const finishReason = result.pendingApprovals?.length ? "tool-calls" : "stop";
    chunks.push({ type: "finish", finishReason, messageMetadata });
    return chunks;
  }

  /** A failed run: close what is open, then the `error` chunk (the client shows `errorText`). */
  fail(errorText: string): UIMessageChunk[] {
    const chunks = [...this.close()];
    if (this.stepOpen) chunks.push({ type: "finish-step" });
    this.stepOpen = false;
    chunks.push({ type: "error", errorText });
    return chunks;
  }

  private toolInput(
    call: { toolCallId: string; toolName: string; args: unknown },
    providerMetadata?: Record<string, Record<string, string>>,
  ): UIMessageChunk[] {
    // `dynamic`: the client has no typed definition of these tools (Python's, or the host's).
    const { toolCallId, toolName, args } = call;
    const input = { type: "tool-input-available", toolCallId, toolName, input: args ?? {}, dynamic: true };
    return [...this.step(), ...this.close(), providerMetadata ? { ...input, providerMetadata } : input];
  }

  private step(): UIMessageChunk[] {
    if (this.stepOpen && !this.afterToolResult) return [];
    const chunks: UIMessageChunk[] = [];
    if (this.stepOpen) chunks.push(...this.close(), { type: "finish-step" });
    this.stepOpen = true;
    this.afterToolResult = false;
    chunks.push({ type: "start-step" });
    return chunks;
  }

  private block(kind: "text" | "reasoning"): UIMessageChunk[] {
    if (this.open?.kind === kind) return [];
    const chunks = this.close();
    this.blocks += 1;
    this.open = { kind, id: `${kind}-${this.blocks}` };
    chunks.push({ type: `${kind}-start`, id: this.open.id });
    return chunks;
  }

  private blockId(): string {
    return this.open?.id ?? "";
  }

  private close(): UIMessageChunk[] {
    if (!this.open) return [];
    const chunk = { type: `${this.open.kind}-end`, id: this.open.id };
    this.open = undefined;
    return [chunk];
  }
}
