/**
 * How deep JSON sent to a worker may nest. Python's json parser gives up near its recursion
 * limit (~1,000 levels) with a RecursionError, which would surface as an internal error of the
 * worker; real settings, metadata, deps and histories stay far below this.
 */
export const MAX_JSON_DEPTH = 100;

/** True when `value` nests arrays/objects deeper than `limit`; iterative, so any depth is safe to check. */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== "object" || item === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}
