import { afterEach, describe, expect, it } from "vitest";
import type { Axon, AxonConfigInput, SupervisorStrategy } from "../src/index.js";
import { nextEvent, pidOf, STARTUP_TIMEOUT_MS, startAxon, waitFor } from "./helpers/start-axon.js";

let axon: Axon | undefined;
afterEach(() => axon?.close(), STARTUP_TIMEOUT_MS);

const echo = { module: "examples.agents.echo:agent" };

/** Starts `first` (echo), `crashy` (chaos) and `last` (echo), in that order, under `strategy`. */
async function startTree(strategy: SupervisorStrategy, withFirst = true): Promise<Axon> {
  const crashy = { module: "examples.agents.chaos:agent" };
  const agents: AxonConfigInput["agents"] = withFirst
    ? { first: echo, crashy, last: echo }
    : { crashy, last: echo };
  axon = await startAxon(agents, { supervisor: { strategy } });
  return axon;
}

async function crashAndWait(tree: Axon, restartsExpected: number) {
  const pids = { first: pidOf(tree, "first"), crashy: pidOf(tree, "crashy"), last: pidOf(tree, "last") };
  const restarted: string[] = [];
  tree.on("worker-restarted", (event) => restarted.push(event.agent));
  await expect(tree.run("crashy", "crash")).rejects.toMatchObject({ code: "worker_crashed", exitCode: 137 });
  await waitFor(
    () => restarted.length === restartsExpected && tree.status().every((s) => s.state === "ready"),
  );
  return { pids, restarted: restarted.sort() };
}

describe("restart strategies", () => {
  it(
    "one_for_all restarts every sibling when one worker crashes",
    async () => {
      // `last` starts after `crashy`, but one_for_all restarts siblings in any position.
      const tree = await startTree("one_for_all", false);
      const { pids, restarted } = await crashAndWait(tree, 2);
      expect(restarted).toEqual(["crashy", "last"]);
      expect(pidOf(tree, "last")).not.toBe(pids.last);
      expect((await tree.run("last", "alive")).output).toBe("alive");
    },
    STARTUP_TIMEOUT_MS,
  );

  it(
    "rest_for_one restarts the crashed worker and those started after it, not those before",
    async () => {
      const tree = await startTree("rest_for_one");
      const exited = nextEvent(tree, "worker-exited", (e) => e.agent === "last");
      const { pids, restarted } = await crashAndWait(tree, 2);
      expect(restarted).toEqual(["crashy", "last"]);
      expect((await exited).expected).toBe(true);
      expect(pidOf(tree, "first")).toBe(pids.first);
      expect(pidOf(tree, "last")).not.toBe(pids.last);
      expect(tree.status().map((s) => s.restarts)).toEqual([0, 1, 1]);
    },
    STARTUP_TIMEOUT_MS,
  );
});
