// What the host holds: open fds, sockets among them, memory after a full GC; and which Python
// processes are still alive. Linux /proc only (the soak is a Linux tool, like the CI).
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

export async function snapshot() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const fds = readdirSync("/proc/self/fd");
  let sockets = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:")) sockets += 1;
    } catch {
      // The fd of readdir itself is gone by now.
    }
  }
  const { rss, heapUsed } = process.memoryUsage();
  return { fds: fds.length, sockets, rssMiB: rss / 2 ** 20, heapMiB: heapUsed / 2 ** 20 };
}

/** True while `pid` runs; a zombie counts as gone. */
export function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Live processes whose parent is this process (a worker that outlived its stop would be one). */
export function children() {
  const mine = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) === process.pid && alive(Number(name)))
        mine.push(Number(name));
    } catch {
      // It exited while we looked.
    }
  }
  return mine;
}
