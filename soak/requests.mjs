// The soak's request mix: every kind is idempotent (the same prompt gives the same answer), so a
// run may be retried, and each checks its answer, so a wrong output is a failure too.

/**
 * The deadline each run carries (`timeoutMs`); a request without an answer 5 s after it is hung.
 * Generous on purpose: when both workers of an agent were killed, runs wait for a Python boot,
 * which takes several seconds on a loaded two-core machine.
 */
export const RUN_DEADLINE_MS = 30_000;
export const HANG_MARGIN_MS = 5_000;

// Retries in the library: only after a retryable error, and for a stream only before its first event.
const retry = { attempts: 8, backoffMs: 50 };

/** `expect` returns an error code, or undefined when the answer is right. */
export const requestKinds = [
  {
    name: "echo run",
    agent: "echo",
    mode: "run",
    prompt: (n) => `hello soak ${n}`,
    expect: (out, p) => out === p,
  },
  {
    name: "echo stream",
    agent: "echo",
    mode: "stream",
    prompt: (n) => `one two three four five ${n}`,
    expect: (out, p) => out === p,
  },
  {
    name: "structured run",
    agent: "structured",
    mode: "run",
    prompt: () => "Paris",
    expect: (out) => out?.city === "Paris",
  },
  {
    name: "tools run",
    agent: "tools",
    mode: "run",
    prompt: (n) => `add ${n} and 3`,
    expect: (out, _p, n) => out === String(n + 3),
  },
  {
    name: "tools stream",
    agent: "tools",
    mode: "stream",
    prompt: (n) => `add ${n} and 1`,
    expect: (out, _p, n) => out === String(n + 1),
  },
  {
    name: "chaos sleep",
    agent: "chaos",
    mode: "run",
    prompt: () => "sleep 0.2",
    expect: (out) => out === "slept 0.2",
  },
  // A typed failure must stay typed under chaos: the right answer here is a 500 `internal`.
  { name: "chaos raise", agent: "chaos", mode: "run", prompt: () => "raise", expectError: "internal" },
];

export function bodyFor(kind, n) {
  const prompt = kind.prompt(n);
  return { prompt, body: { prompt, timeoutMs: RUN_DEADLINE_MS, retry } };
}
