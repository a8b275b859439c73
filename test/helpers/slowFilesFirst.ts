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
 * Files that take 20 s or more, slowest first (seconds: alone on a quiet 2-core machine / in a full run with both
 * workers busy on a loaded one, 2026-12-04). Keep it to the slow ones: the rest are short enough to fill the gaps.
 */
export const SLOW_FILES: readonly string[] = [
  "test/infra/deployDocs.test.ts", // ~200 / 446: 19 runs of the Pulumi program
  "test/cli/commands/docsExamples.subprocess.test.ts", // ~135 / 313: docs/cli.md's commands, one after another
  "test/infra/functionArchives.test.ts", // 94
  "test/infra/fanOut.test.ts", // 92
  "test/infra/programPolicies.test.ts", // 87
  "test/infra/programVariants.test.ts", // 86
  "test/infra/notifiers.test.ts", // 84
  "test/cli/commands/rulesOption.subprocess.test.ts", // 75
  "test/infra/feedbackAction.test.ts", // 49
  "test/cli/replay/backtestCalendar.test.ts", // 38
  "test/infra/fanOutArchives.test.ts", // 38
  "test/cli/commands/trainBacktest.subprocess.test.ts", // 35
  "test/cli/demo/runFanOutDemo.test.ts", // 33
  "test/infra/program.test.ts", // 32
  "test/cli/cliContract.test.ts", // 31
  "test/infra/feedbackArchive.test.ts", // 26
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
