// An agent attribute that runs code when read (a module-level `__getattr__`, a property) and
// raises: the worker reports it as it reports an import error, so start-up fails with the
// traceback and a hint instead of a bare "exited during start-up".
import { describe, expect, it } from "vitest";
import { WorkerStartError } from "../src/index.js";
import { STARTUP_TIMEOUT_MS, startAxon } from "./helpers/start-axon.js";

const fixture = "examples.agents.raising_attribute";

describe("an agent attribute that raises when read", () => {
  it.each([
    // The config takes `module:attribute` only; a property deeper down is python/tests' business.
    ["agent", "RuntimeError: raising_attribute: building the agent fails on purpose", "see the traceback"],
    ["vanishing", "has no attribute 'vanishing'", "check the name after the colon"],
  ])(
    "(%s) fails start-up with a WorkerStartError carrying its traceback",
    async (attribute, expected, hint) => {
      const error = await startAxon({ broken: { module: `${fixture}:${attribute}` } }).catch((e) => e);
      expect(error).toBeInstanceOf(WorkerStartError);
      expect(error.message).toContain(expected);
      expect(error.message).not.toContain("exited during start-up");
      expect(error.pythonTraceback).toContain("raising_attribute.py");
      expect(error.hint).toContain(hint);
      expect(error.exitCode).toBe(78);
    },
    STARTUP_TIMEOUT_MS,
  );
});
