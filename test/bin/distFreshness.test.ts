import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { distProblem } from "../../bin/distFreshness";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A repository with one source file modified at `sourceMs` and a dist/ built at `builtAt`. */
function repo(sourceMs: number, builtAt: number | undefined): string {
  const root = mkdtempSync(join(tmpdir(), "cad-dist-"));
  dirs.push(root);
  mkdirSync(join(root, "cli"));
  writeFileSync(join(root, "cli", "main.ts"), "export {};\n");
  utimesSync(join(root, "cli", "main.ts"), sourceMs / 1000, sourceMs / 1000);
  if (builtAt !== undefined) {
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "dist", "build.json"), JSON.stringify({ builtAt, sources: ["cli/main.ts"] }));
  }
  return root;
}

const T = Date.parse("2026-12-01T10:00:00Z");

describe("distProblem", () => {
  it("accepts a dist/ built after its last source change", () => {
    expect(distProblem(repo(T, T + 1000))).toBe("");
  });

  it("names a source changed since the build", () => {
    expect(distProblem(repo(T + 1000, T))).toBe("the compiled CLI is stale: cli/main.ts changed since the last build");
  });

  it("names a source removed since the build, and says when there is no finished build", () => {
    const root = repo(T, T + 1000);
    rmSync(join(root, "cli", "main.ts"));
    expect(distProblem(root)).toBe("the compiled CLI is stale: cli/main.ts was removed since the last build");
    expect(distProblem(repo(T, undefined))).toBe("the CLI is not compiled (dist/ is missing or its build did not finish)");
  });
});
