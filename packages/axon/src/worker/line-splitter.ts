import type { Readable } from "node:stream";

/**
 * Calls `onLine` for every complete line of `stream` (without its newline), and once more for
 * a last unterminated line at the end. Lines longer than `maxLine` are cut, so a runaway
 * `print` without newlines cannot grow the host's memory without bound.
 */
export function splitLines(stream: Readable, onLine: (line: string) => void, maxLine = 1 << 20): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      onLine(pending.slice(0, newline).replace(/\r$/, ""));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
    if (pending.length > maxLine) {
      onLine(pending.slice(0, maxLine));
      pending = "";
    }
  });
  stream.on("end", () => {
    if (pending) onLine(pending);
    pending = "";
  });
  // A pipe error (the child died) is reported by the process's exit; nothing to add here.
  stream.on("error", () => {});
  // A stream paused on purpose until its reader came (a forked worker's socket) flows from here.
  stream.resume();
}

/** Keeps the last `limit` characters written to it: the tail of a worker's stderr, for errors. */
export interface TailBuffer {
  push(line: string): void;
  text(): string;
}

export function createTailBuffer(limit = 64 * 1024): TailBuffer {
  const lines: string[] = [];
  let size = 0;
  return {
    push(line) {
      lines.push(line);
      size += line.length + 1;
      while (size > limit && lines.length > 1) size -= (lines.shift() as string).length + 1;
    },
    text() {
      const text = lines.join("\n");
      return text.length > limit ? text.slice(text.length - limit) : text;
    },
  };
}
