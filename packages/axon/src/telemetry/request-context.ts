// The trace context of the request that started a run, when no SDK is registered: the API's
// `context.with` is then a no-op (no context manager), so the gateway also keeps the incoming
// `traceparent` in an AsyncLocalStorage of its own and `startRun` reads it from there.
import { AsyncLocalStorage } from "node:async_hooks";
import { type Context, context, trace } from "@opentelemetry/api";

const store = new AsyncLocalStorage<Context>();

/** Runs `fn` with `ctx` as the active context, with or without an SDK's context manager. */
export function withRequestContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, () => store.run(ctx, fn));
}

/** The context a new run is a child of: the active one (a user's span, a gateway request), if any. */
export function activeParentContext(): Context {
  const active = context.active();
  if (trace.getSpanContext(active)) return active;
  return store.getStore() ?? active;
}
