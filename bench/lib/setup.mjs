// A setup under test as lib/rounds.mjs sees it, for setups driven from Node: one operation (a
// run, or a whole stream) measured by lib/drive.mjs at any level.
import { drive } from "./drive.mjs";

/**
 * @param id e.g. `axon.2.run`: group, Python processes, operation
 * @param call one operation (see drive())
 * @param pids the serving Python processes' pids, for CPU per op
 */
export function nodeSetup({ id, label, processes, op, call, pids = () => [] }) {
  return {
    id,
    label,
    processes,
    op,
    warmup: (n) => drive(call, { total: 0, concurrency: 1, warmup: n }),
    measure: (concurrency, { total, maxSeconds }) => drive(call, { total, concurrency, maxSeconds, pids }),
  };
}
