import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["test/helpers/fail-on-warnings.ts"],
    // Workers are real OS processes; two cores run two files at once at most.
    maxWorkers: 2,
  },
});
