import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { SlowFilesFirstSequencer } from "./test/helpers/slowFilesFirst";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Tests that spawn bin/cad.js run the compiled CLI: compile dist/ first when it is missing or stale.
    globalSetup: ["test/helpers/buildCliIfStale.ts"],
    // Time limits only stop a hang; no test measures speed. They hold on a 2-core machine with both cores busy
    // (the slow tests set larger ones: test/helpers/timeouts.ts). Vitest's 10-s default for hooks did not: a
    // beforeAll that trains a model or starts a browser can take longer than that on a loaded machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    // Vitest's default (one worker per core minus one) runs the files one at a time on a 2-core machine, while the
    // slowest files mostly wait on the subprocesses and Pulumi programs they start: two workers there took the suite
    // from 809 s to 478 s on this project's 2-core machine, every test still passing under that load.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The slowest files start first, also on a fresh clone with no timings cached (test/helpers/slowFilesFirst.ts):
    // started late, a multi-minute file ran alone at the end of the run.
    sequence: { sequencer: SlowFilesFirstSequencer },
  },
});
