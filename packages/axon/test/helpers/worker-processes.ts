import { readdirSync, readFileSync } from "node:fs";

/**
 * The pids of the Python workers this process started and that are still alive, read from
 * /proc: what really runs, whatever `status()` believes.
 */
export function liveWorkerPids(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent pid; the name in field 2 may contain spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) !== parent || state === "Z") continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("axon_worker")) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids.sort((a, b) => a - b);
}
