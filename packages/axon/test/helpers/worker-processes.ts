import { readdirSync, readFileSync } from "node:fs";

interface ProcessEntry {
  pid: number;
  ppid: number;
  cmdline: string;
}

function processes(): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent pid; the name in field 2 may contain spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      found.push({ pid: Number(entry), ppid: Number(ppid), cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

const isTemplate = (cmdline: string) => cmdline.includes("axon_worker template");

/** The fork templates (python -m axon_worker template) this process started and that are alive. */
export function liveTemplatePids(parent = process.pid): number[] {
  return processes()
    .filter((p) => p.ppid === parent && isTemplate(p.cmdline))
    .map((p) => p.pid)
    .sort((a, b) => a - b);
}

/**
 * The pids of the Python workers this process started and that are still alive, read from
 * /proc: what really runs, whatever `status()` believes. Spawned workers are its children;
 * forked ones are children of a template it started (a fork inherits the template's command line).
 */
export function liveWorkerPids(parent = process.pid): number[] {
  const all = processes();
  const templates = new Set(all.filter((p) => p.ppid === parent && isTemplate(p.cmdline)).map((p) => p.pid));
  return all
    .filter((p) => p.cmdline.includes("axon_worker"))
    .filter((p) => (p.ppid === parent && !isTemplate(p.cmdline)) || templates.has(p.ppid))
    .map((p) => p.pid)
    .sort((a, b) => a - b);
}

/** The parent pid of `pid` (from /proc/PID/stat). */
export function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}
