import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/pulumiMocks";

/** Case ids named in the catalogue's test titles and tables (`it("CSV-18 …")`, `["CSV-01", …]`). */
function testedIds(): Set<string> {
  const dir = join(REPO_ROOT, "test", "badInput");
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".test.ts") && f !== "catalogueDocs.test.ts")) {
    const text = readFileSync(join(dir, file), "utf8");
    for (const m of text.matchAll(/(?:it(?:\.each<[^>]*>\(\[[\s\S]*?\]\))?\(|\[\s*)"((?:CSV|NAB|LAB|MOD|SPL|DT|SM|OUT|ENV)-\d{2})\b/g)) ids.add(m[1]);
  }
  return ids;
}

describe("docs/errors.md and the bad-input catalogue", () => {
  const documented = new Set([...readFileSync(join(REPO_ROOT, "docs", "errors.md"), "utf8").matchAll(/^\| ((?:CSV|NAB|LAB|MOD|SPL|DT|SM|OUT|ENV)-\d{2}) \|/gm)].map((m) => m[1]));
  const tested = testedIds();

  it("holds at least 40 cases, across every input area", () => {
    expect(tested.size).toBeGreaterThanOrEqual(40);
    expect(new Set([...tested].map((id) => id.split("-")[0]))).toEqual(new Set(["CSV", "NAB", "LAB", "MOD", "SPL", "DT", "SM", "OUT", "ENV"]));
  });

  it("every tested case is documented, and every documented case is tested", () => {
    expect([...tested].filter((id) => !documented.has(id))).toEqual([]);
    expect([...documented].filter((id) => !tested.has(id))).toEqual([]);
  });
});
