import { z } from "zod";
import { isTool, type ToolSet } from "./tool.js";

// Tools are objects with functions, so zod checks their shape only: a name the model can call
// (a pydantic-ai tool name) and a value made by `tool()`, which validated the rest already.
export const toolSetSchema = z.record(
  z.string().regex(/^[A-Za-z_][\w-]{0,63}$/, "a tool name of letters, digits, `_` or `-`"),
  z.custom<ToolSet[string]>(isTool, "a tool made with `tool()` from axon"),
);
