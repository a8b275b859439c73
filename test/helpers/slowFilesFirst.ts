/**
 * Vitest's file order, with the slowest files started first.
 *
 * Vitest starts the files it has timed before longest-first, from the results cache it keeps in node_modules/.vite.
 * A fresh clone (CI runs `npm ci` on one) has no such cache, and vitest then starts the largest files first: a small
 * file that takes minutes (docs/cli.md's examples, 3 kB, about the 140th of 208) started late and ran alone at the
 * end while the other worker sat idle. A run filtered with `-t` also records a slow file as fast, and the next full
 * run started it late. So the files below go first, in this order, whatever the cache says; the others keep
 * vitest's order. The list only orders files: a file missing from it still runs.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const ROOT = join(__dirname, "..", "..");

/**
 * Files that take 20 s or more, slowest first (seconds in a full `npx vitest run` with both workers busy on a quiet
 * 2-core machine, 2026-12-07, after the Lambdas' code became an esbuild bundle: the Pulumi program's files, 30-90 s
 * before, now take 4-31 s). Keep it to the slow ones: the rest are short enough to fill the gaps.
 */
export const SLOW_FILES: readonly string[] = [
  "test/cli/commands/docsExamples.subprocess.test.ts", // 197: docs/cli.md's commands, one after another
  "test/runtime/detection/containerFaults.test.ts", // 50
  "test/cli/commands/rulesOption.subprocess.test.ts", // 39
  "test/cli/cliContract.test.ts", // 37
  "test/cli/commands/trainBacktest.subprocess.test.ts", // 32
  "test/cli/demo/runFanOutDemo.test.ts", // 31
  "test/infra/deployDocs.test.ts", // 31: 19 runs of the Pulumi program
  "test/cli/replay/backtestCalendar.test.ts", // 29
  "test/cli/quality/javaTrcf.test.ts", // 23 (skipped without ../shared beside the clone)
  "test/cli/report/reportInBrowser.test.ts", // 22 (skipped without Chromium)
];

/** The list's entries that name no file (a renamed or removed test): the list would silently stop ordering it. */
export function missingSlowFiles(root: string = ROOT): string[] {
  return SLOW_FILES.filter((f) => !existsSync(join(root, f)));
}

/** `files` with those of {@link SLOW_FILES} first, in its order; the others after them, in the order given. */
export function slowFirst<T>(files: readonly T[], pathOf: (file: T) => string): T[] {
  const rank = (file: T): number => {
    const at = SLOW_FILES.indexOf(pathOf(file));
    return at < 0 ? SLOW_FILES.length : at;
  };
  // Array.prototype.sort is stable: the files outside the list keep vitest's order.
  return [...files].sort((a, b) => rank(a) - rank(b));
}

export class SlowFilesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const missing = missingSlowFiles(this.ctx.config.root);
    if (missing.length > 0) throw new Error(`test/helpers/slowFilesFirst.ts lists files that do not exist: ${missing.join(", ")}`);
    const ordered = await super.sort(files);
    return slowFirst(ordered, (spec) => relative(this.ctx.config.root, spec.moduleId).split("\\").join("/"));
  }
}
