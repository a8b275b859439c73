import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Time limits only stop a hang; no test measures speed. They hold on a 2-core machine with both cores busy
    // (the slow tests set larger ones: test/helpers/timeouts.ts). Vitest's 10-s default for hooks did not: a
    // beforeAll that trains a model or starts a browser can take longer than that on a loaded machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});
