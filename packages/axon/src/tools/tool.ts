import { z } from "zod";
import { ConfigError } from "../errors/host-errors.js";

/** What a host tool's `execute` receives beside its arguments. */
export interface ToolContext {
  /** The run that called the tool (the id `axon.cancel(runId)` takes). */
  runId: string;
  /** The model's id for this call. */
  toolCallId: string;
  /** Aborted when the run is cancelled, its deadline passes, or the tool's `timeoutMs` passes. */
  signal: AbortSignal;
  /** The agent whose model called the tool. */
  agent: string;
}

/** A tool written in TypeScript that a Python agent can call (see docs/tools.md). */
export interface Tool<Input = unknown, Output = unknown> {
  /** What the tool does, for the model. Default: none. */
  readonly description?: string;
  /** A zod object schema of the arguments; the model sees its JSON Schema, the host validates with it. */
  readonly inputSchema: z.ZodType<Input>;
  /** Runs the tool; its return value goes back to the model as JSON. A throw is a retry for the model. */
  readonly execute: (args: Input, context: ToolContext) => Output | Promise<Output>;
  /** The run ends with a pending approval before each call; the caller approves or denies it. Default: false. */
  readonly needsApproval?: boolean;
  /** How long one call may take before it counts as failed (a retry for the model). Default: 30000 ms. */
  readonly timeoutMs?: number;
}

/** Host tools by the name the model calls them. */
// biome-ignore lint/suspicious/noExplicitAny: a set holds tools of any argument type.
export type ToolSet = Record<string, Tool<any, unknown>>;

/** The arguments `tool()` takes: the AI SDK's `tool()` shape, with a zod schema. */
export interface ToolOptions<Schema extends z.ZodType, Output> {
  description?: string;
  inputSchema: Schema;
  execute: (args: z.output<Schema>, context: ToolContext) => Output | Promise<Output>;
  needsApproval?: boolean;
  timeoutMs?: number;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

// A registered symbol, so that config validation recognises tools made by another copy of the package.
const brand = Symbol.for("axon.tool");
const schemas = new WeakMap<object, Record<string, unknown>>();

/**
 * Defines a host tool, as the AI SDK's `tool()` does. The schema is turned into JSON Schema here,
 * so an unusable schema is an error where the tool is written, not at its first run.
 * @throws ConfigError when `inputSchema` is not a zod object schema, or `execute` is missing.
 */
export function tool<Schema extends z.ZodType, Output>(
  options: ToolOptions<Schema, Output>,
): Tool<z.output<Schema>, Output> {
  if (typeof options?.execute !== "function")
    throw new ConfigError({ message: "tool(): `execute` must be a function", field: "execute" });
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0))
    throw new ConfigError({ message: "tool(): `timeoutMs` must be a positive number", field: "timeoutMs" });
  const jsonSchema = toJsonSchema(options.inputSchema);
  const made = { ...options, [brand]: true } as Tool<z.output<Schema>, Output>;
  schemas.set(made, jsonSchema);
  return Object.freeze(made);
}

/** Whether `value` was made by `tool()` (from any copy of this package). */
export function isTool(value: unknown): value is Tool {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** The JSON Schema of a tool's arguments, as the model sees it. */
export function parametersJsonSchema(t: Tool): Record<string, unknown> {
  const cached = schemas.get(t);
  if (cached) return cached;
  const schema = toJsonSchema(t.inputSchema);
  schemas.set(t, schema);
  return schema;
}

function toJsonSchema(schema: unknown): Record<string, unknown> {
  // Duck-typed rather than `instanceof`: the schema may come from another copy of zod 4.
  if (typeof (schema as { safeParse?: unknown })?.safeParse !== "function")
    throw new ConfigError({ message: "tool(): `inputSchema` must be a zod schema", field: "inputSchema" });
  let json: Record<string, unknown>;
  try {
    // `input`: the model writes the arguments before any zod transform runs.
    json = z.toJSONSchema(schema as z.ZodType, { io: "input" }) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError({ message: `tool(): \`inputSchema\` has no JSON Schema: ${reason}`, cause: error });
  }
  if (json.type !== "object")
    throw new ConfigError({
      message:
        "tool(): `inputSchema` must be an object schema (z.object({...})): a model passes named arguments",
      field: "inputSchema",
    });
  const { $schema: _, ...rest } = json;
  return rest;
}
