import { afterEach } from "vitest";

// Warnings fail tests: a Node process warning (MaxListenersExceeded, an unhandled rejection
// turned warning, a deprecation) is a bug to fix, not noise to scroll past.
const warnings: Error[] = [];
process.on("warning", (warning) => warnings.push(warning));

afterEach(() => {
  const seen = warnings.splice(0);
  if (seen.length > 0)
    throw new Error(`process warnings: ${seen.map((w) => `${w.name}: ${w.message}`).join("; ")}`);
});
