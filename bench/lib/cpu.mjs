// CPU time spent per operation, on the Node side (this process: the driver plus Axon's host or
// the bare client) and on the Python side (the given pids). On a shared, loaded machine wall-clock
// rates swing run to run; CPU per run barely moves, and it bounds the rate an idle machine reaches.
import { readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux (`getconf CLK_TCK`); /proc/PID/stat counts in ticks.

/** CPU used so far, in ms: this process, and the sum over `pids` (utime + stime, children excluded). */
export function cpuNow(pids = []) {
  const { user, system } = process.cpuUsage();
  let python = 0;
  for (const pid of pids) {
    try {
      // Fields after the ")" that closes the command name: state is 3rd, utime 14th, stime 15th.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      python += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    } catch {
      // The process is gone (e.g. between restarts); count what is still readable.
    }
  }
  return { host: (user + system) / 1000, python };
}

/** Per-operation CPU in ms between two cpuNow() readings. */
export function cpuPerOp(before, after, ops) {
  return { hostMs: (after.host - before.host) / ops, pythonMs: (after.python - before.python) / ops };
}
