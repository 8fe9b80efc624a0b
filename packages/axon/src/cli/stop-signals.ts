// SIGTERM and SIGINT for a long-running command: the first asks for a graceful stop, the
// second for an immediate one. While watched, Node's default action (exit at once, dropping
// every request in flight) is off; `dispose()` gives it back.

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

// Ctrl-C under `npm start` arrives twice at once: the terminal signals the whole process group,
// and npm forwards its own copy. A signal this soon after the first is that copy, not a second
// request; a person pressing Ctrl-C again is far slower.
const SAME_STOP_MS = 250;

export interface StopSignals {
  /** Resolves with the first SIGTERM/SIGINT. */
  readonly first: Promise<NodeJS.Signals>;
  /** Resolves with the second one (either kind), unless it came within 250 ms of the first: a copy of it. */
  readonly second: Promise<NodeJS.Signals>;
  /** Stops watching: the next signal gets Node's default action again. */
  dispose(): void;
}

export function watchStopSignals(): StopSignals {
  let count = 0;
  let firstAt = 0;
  let onFirst: (signal: NodeJS.Signals) => void = () => {};
  let onSecond: (signal: NodeJS.Signals) => void = () => {};
  const first = new Promise<NodeJS.Signals>((resolve) => (onFirst = resolve));
  const second = new Promise<NodeJS.Signals>((resolve) => (onSecond = resolve));
  const listener = (signal: NodeJS.Signals) => {
    if (count === 1 && Date.now() - firstAt < SAME_STOP_MS) return;
    count += 1;
    if (count === 1) {
      firstAt = Date.now();
      onFirst(signal);
    } else if (count === 2) onSecond(signal);
  };
  for (const signal of SIGNALS) process.on(signal, listener);
  return {
    first,
    second,
    dispose: () => {
      for (const signal of SIGNALS) process.off(signal, listener);
    },
  };
}
