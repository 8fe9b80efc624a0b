import type { RestartType, SupervisorStrategy } from "../config/config-schema.js";

/**
 * OTP's restart strategies: which children restart when `exited` ends, in start order.
 * - `one_for_one`: only `exited`.
 * - `one_for_all`: every child.
 * - `rest_for_one`: `exited` and every child started after it (config order, then instance order).
 * https://www.erlang.org/doc/system/sup_princ.html#restart-strategy
 */
export function childrenToRestart<C>(children: readonly C[], exited: C, strategy: SupervisorStrategy): C[] {
  switch (strategy) {
    case "one_for_one":
      return [exited];
    case "one_for_all":
      return [...children];
    case "rest_for_one": {
      const index = children.indexOf(exited);
      return index === -1 ? [exited] : children.slice(index);
    }
  }
}

/**
 * OTP's restart types: `permanent` always restarts, `transient` only after an abnormal exit
 * (non-zero code or a signal), `temporary` never.
 */
export function shouldRestart(
  restart: RestartType,
  exit: { exitCode: number | null; signal: string | null },
): boolean {
  if (restart === "permanent") return true;
  if (restart === "temporary") return false;
  return exit.signal !== null || exit.exitCode !== 0;
}
