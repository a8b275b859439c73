import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

/**
 * A temporary directory for one catalogue file, removed after its tests. `file(name, text)` writes (creating
 * folders) and returns the path.
 */
export function workspace(prefix: string): { readonly dir: string; file(name: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), `cad-bad-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name: string, text: string): string {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
  };
}

/** A 10 MB cell: what a log line pasted into a spreadsheet, or a corrupted export, puts into one CSV field. */
export const TEN_MB = "x".repeat(10 * 1024 * 1024);

/** Longest stderr a one-line error about a 10 MB input may produce (the quoted part is at most ~80 characters). */
export const SHORT_ERROR_CHARS = 400;
