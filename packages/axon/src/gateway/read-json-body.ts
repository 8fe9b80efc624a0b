// Reads a request body as JSON, bounded in size, and validates it with a zod schema. A bad
// body is a 400 naming the first failing field (and listing every issue); too big is a 413.
import type { Context } from "hono";
import type { z } from "zod";
import { HttpError } from "./http-error.js";

/** Default bound on request bodies: 1 MiB, room for a long message history. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  const text = await readBoundedText(c.req.raw, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_request", "the body is not valid JSON", { field: "body" });
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ field: fieldPath(issue), message: issue.message }));
  const first = issues[0] ?? { field: "body", message: "invalid" };
  throw new HttpError(400, "invalid_request", `${first.field}: ${first.message}`, {
    field: first.field,
    issues,
  });
}

function fieldPath(issue: z.core.$ZodIssue): string {
  // An unknown key is reported on its parent; name the key itself, it is what to fix.
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue.path;
  if (path.length === 0) return "body";
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    return out === "" ? String(key) : `${out}.${String(key)}`;
  }, "");
}

async function readBoundedText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new HttpError(413, "payload_too_large", `the body is larger than ${maxBytes} bytes`, { maxBytes });
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return "";
  // Count while reading: a chunked body has no content-length to trust.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
