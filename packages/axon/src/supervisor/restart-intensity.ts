/**
 * OTP's restart intensity: at most `maxRestarts` restarts within any `withinMs` window. One more
 * and the supervisor gives up on the child (here: the agent becomes `failed`).
 */
export interface RestartIntensity {
  /** Records a restart at `now`; false when it exceeds the intensity (the restart must not happen). */
  allow(now?: number): boolean;
  /** Restarts recorded within the window ending at `now`. */
  count(now?: number): number;
  /** Forgets every recorded restart. */
  reset(): void;
}

export interface RestartIntensityOptions {
  /** Restarts allowed within the window. Default: 3. */
  maxRestarts?: number;
  /** The window. Default: 5000 ms. */
  withinMs?: number;
}

export function createRestartIntensity(options: RestartIntensityOptions = {}): RestartIntensity {
  const maxRestarts = options.maxRestarts ?? 3;
  const withinMs = options.withinMs ?? 5000;
  let times: number[] = [];
  const prune = (now: number) => {
    times = times.filter((time) => now - time < withinMs);
  };
  return {
    allow(now = Date.now()) {
      prune(now);
      times.push(now);
      return times.length <= maxRestarts;
    },
    count(now = Date.now()) {
      prune(now);
      return times.length;
    },
    reset() {
      times = [];
    },
  };
}
