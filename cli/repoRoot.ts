import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The repository root: the nearest folder above `from` holding package.json. The CLI runs from dist/ (compiled)
 * as well as from its sources (tests), so paths to the repository's own files start here, not at `__dirname`.
 */
export function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The root of the repository this CLI belongs to. */
export const REPO_ROOT = findRepoRoot(__dirname);
