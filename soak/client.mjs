// One request through the gateway, as an HTTP client sees it: the outcome is `ok`, an error
// code from the JSON body or the SSE `error` event, `wrong_output`, or `hung`.
import { bodyFor, HANG_MARGIN_MS, RUN_DEADLINE_MS } from "./requests.mjs";

// A stream that broke after some of its events arrived cannot be retried by the library (the
// caller has seen part of it); a client of an idempotent stream resends it, as here.
const STREAM_RESENDS = 2;

export async function send(url, kind, n) {
  const { prompt, body } = bodyFor(kind, n);
  const started = performance.now();
  let resent = 0;
  for (;;) {
    const outcome = await attempt(url, kind, prompt, body, n);
    if (outcome.retryableMidStream && resent < STREAM_RESENDS) {
      resent += 1;
      continue;
    }
    return { code: outcome.code, ms: performance.now() - started, resent };
  }
}

async function attempt(url, kind, prompt, body, n) {
  const signal = AbortSignal.timeout(RUN_DEADLINE_MS + HANG_MARGIN_MS);
  try {
    const response = await fetch(`${url}/v1/agents/${kind.agent}/${kind.mode}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    if (kind.mode === "run") {
      const json = await response.json();
      return judge(kind, prompt, n, response.ok ? { output: json.output } : { error: json.error });
    }
    const text = await response.text();
    if (!response.ok) return judge(kind, prompt, n, { error: JSON.parse(text).error });
    return readStream(kind, prompt, n, text);
  } catch (error) {
    if (signal.aborted) return { code: "hung" };
    return { code: `client_${error?.cause?.code ?? error?.name ?? "error"}` };
  }
}

function readStream(kind, prompt, n, text) {
  let deltas = 0;
  for (const block of text.split("\n\n")) {
    const data = block.split("\n").find((line) => line.startsWith("data: "));
    if (!data) continue;
    const event = JSON.parse(data.slice(6));
    if (event.type === "text-delta") deltas += 1;
    if (event.type === "result") return judge(kind, prompt, n, { output: event.result.output });
    if (event.type === "error") {
      const outcome = judge(kind, prompt, n, { error: event.error });
      return { ...outcome, retryableMidStream: event.error.retryable && deltas > 0 };
    }
  }
  return { code: "stream_without_result" };
}

function judge(kind, prompt, n, answer) {
  if (kind.expectError)
    return { code: answer.error?.code === kind.expectError ? "ok" : (answer.error?.code ?? "wrong_output") };
  if (answer.error) return { code: answer.error.code ?? "unknown_error" };
  return { code: kind.expect(answer.output, prompt, n) ? "ok" : "wrong_output" };
}
