import { describe, expect, it } from "vitest";
import { SLOW_FILES, missingSlowFiles, slowFirst } from "../helpers/slowFilesFirst";

describe("the slow-files-first test order (test/helpers/slowFilesFirst.ts)", () => {
  it("lists only test files that exist, each once", () => {
    expect(missingSlowFiles()).toEqual([]);
    expect(new Set(SLOW_FILES).size).toBe(SLOW_FILES.length);
    for (const f of SLOW_FILES) expect(f).toMatch(/^test\/.*\.test\.ts$/);
  });

  it("puts the listed files first, in the list's order, and keeps the order of the others", () => {
    const given = ["test/a.test.ts", SLOW_FILES[1], "test/b.test.ts", SLOW_FILES[0], "test/c.test.ts"];
    expect(slowFirst(given, (f) => f)).toEqual([SLOW_FILES[0], SLOW_FILES[1], "test/a.test.ts", "test/b.test.ts", "test/c.test.ts"]);
  });
});
