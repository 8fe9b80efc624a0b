import { describe, expect, it } from "vitest";
import { backoffDelay, createBackoff } from "../src/supervisor/backoff.js";
import { createRestartIntensity } from "../src/supervisor/restart-intensity.js";
import { childrenToRestart, shouldRestart } from "../src/supervisor/restart-strategy.js";

describe("backoff", () => {
  const options = { initialMs: 100, maxMs: 1000, jitter: 0.2 };

  it("doubles from initialMs and stops at maxMs", () => {
    const backoff = createBackoff({ ...options, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("moves each delay by at most ±jitter, and never past maxMs", () => {
    expect(backoffDelay(0, options, 0)).toBe(80);
    expect(backoffDelay(0, options, 0.999999)).toBe(120);
    expect(backoffDelay(10, options, 0.999999)).toBe(1000);
    expect(backoffDelay(10, options, 0)).toBe(800);
  });

  it("starts over after reset", () => {
    const backoff = createBackoff({ ...options, jitter: 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(100);
  });

  it("survives a huge attempt count", () => {
    expect(backoffDelay(5000, options, 0.5)).toBe(1000);
  });
});

describe("restart intensity", () => {
  it("allows maxRestarts restarts within the window and refuses one more", () => {
    const intensity = createRestartIntensity({ maxRestarts: 3, withinMs: 5000 });
    expect([0, 1000, 2000].map((t) => intensity.allow(t))).toEqual([true, true, true]);
    expect(intensity.allow(3000)).toBe(false);
  });

  it("forgets restarts older than the window", () => {
    const intensity = createRestartIntensity({ maxRestarts: 2, withinMs: 1000 });
    intensity.allow(0);
    intensity.allow(500);
    expect(intensity.count(1200)).toBe(1);
    expect(intensity.allow(1200)).toBe(true);
  });

  it("allows no restart at all with maxRestarts 0", () => {
    expect(createRestartIntensity({ maxRestarts: 0 }).allow(0)).toBe(false);
  });
});

describe("restart strategies", () => {
  const children = ["a-0", "a-1", "b-0", "c-0"];

  it("one_for_one restarts only the child that exited", () => {
    expect(childrenToRestart(children, "b-0", "one_for_one")).toEqual(["b-0"]);
  });

  it("one_for_all restarts every child", () => {
    expect(childrenToRestart(children, "b-0", "one_for_all")).toEqual(children);
  });

  it("rest_for_one restarts the child and those started after it", () => {
    expect(childrenToRestart(children, "a-1", "rest_for_one")).toEqual(["a-1", "b-0", "c-0"]);
    expect(childrenToRestart(children, "c-0", "rest_for_one")).toEqual(["c-0"]);
  });

  it("restarts permanent children always, transient ones after a crash only, temporary ones never", () => {
    const clean = { exitCode: 0, signal: null };
    const crash = { exitCode: 1, signal: null };
    const killed = { exitCode: null, signal: "SIGKILL" };
    expect([clean, crash, killed].map((e) => shouldRestart("permanent", e))).toEqual([true, true, true]);
    expect([clean, crash, killed].map((e) => shouldRestart("transient", e))).toEqual([false, true, true]);
    expect([clean, crash, killed].map((e) => shouldRestart("temporary", e))).toEqual([false, false, false]);
  });
});
