// SIGKILLs a random ready worker every ~`everyMs` (±25 %), the way an OOM killer or a segfault
// would end it: no warning, no drain.
export function startKiller(axon, everyMs) {
  let kills = 0;
  let timer;
  const next = () => {
    timer = setTimeout(tick, everyMs * (0.75 + Math.random() * 0.5));
  };
  const tick = () => {
    const ready = axon.status().filter((w) => w.state === "ready" && w.pid);
    const victim = ready[Math.floor(Math.random() * ready.length)];
    if (victim) {
      try {
        process.kill(victim.pid, "SIGKILL");
        kills += 1;
      } catch {
        // It exited on its own between status() and kill(): nothing to count.
      }
    }
    next();
  };
  next();
  return {
    stop() {
      clearTimeout(timer);
      return kills;
    },
  };
}
