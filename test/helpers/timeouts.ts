/**
 * Time limits of the slow tests. They only stop a test that hangs; no test measures speed. Sized so the suite
 * passes on a 2-core machine with both cores busy with something else (`yes > /dev/null &` twice): about ten
 * times what the work takes on a quiet machine. Vitest's own defaults (vitest.config.ts) cover everything else.
 */

/** Running the Pulumi program under mocks, or anything else heavy in-process (~5 s quiet). */
export const PROGRAM_MS = 300_000;

/** A child process that loads the program or the CLI the way Pulumi's language host does (ts-node, 4-15 s quiet). */
export const LANGUAGE_HOST_MS = 600_000;

/** A `cad` subprocess (the compiled CLI's start-up, under 1 s, plus the command, ~1–10 s quiet). */
export const CLI_PROCESS_MS = 120_000;
