import { z } from "zod";

// Config strings that end up in a worker's `spawn()` (executable, cwd, arguments, environment).
// Node refuses a NUL byte in any of them by throwing, and Linux refuses one environment string
// longer than MAX_ARG_STRLEN with E2BIG; both are refused here, with the field's path, before any
// worker is spawned.

/** Linux's MAX_ARG_STRLEN (32 pages): the most one `NAME=value` string may take, its NUL included. */
export const MAX_ENV_ENTRY_BYTES = 32 * 4096;

// C0 controls and DEL: never part of a sane path, model name or argument (and \0 cannot be).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A non-empty string for a path or an argument: no NUL, newline or other control character. */
export const argString = z
  .string()
  .min(1)
  .refine(
    (value) => !CONTROL.test(value),
    "a string without control characters (NUL, newline, tab...): remove them",
  );

/**
 * Environment variables for a worker. Values may hold newlines (a PEM key does) but no NUL; names
 * no `=` nor control character; each `NAME=value` fits in MAX_ARG_STRLEN.
 */
export const envRecord = z.record(z.string(), z.string()).superRefine((env, ctx) => {
  for (const [name, value] of Object.entries(env)) {
    const issue = (message: string) => ctx.addIssue({ code: "custom", path: [name], message, input: value });
    if (name === "" || name.includes("=") || CONTROL.test(name)) {
      issue(`a variable name without "=" or control characters (rename ${JSON.stringify(name)})`);
    } else if (value.includes("\0")) {
      issue("a value without NUL characters (no environment variable can hold one): remove them");
    } else if (Buffer.byteLength(`${name}=${value}`) >= MAX_ENV_ENTRY_BYTES) {
      issue(
        `a value under ${MAX_ENV_ENTRY_BYTES / 1024} KiB (Linux refuses longer environment strings with E2BIG): put large data in a file and its path here`,
      );
    }
  }
});
