import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Generous: a test fails on what it checks, never on a busy machine's speed (2 cores shared with other work).
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
  },
});
