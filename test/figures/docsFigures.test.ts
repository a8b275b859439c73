import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { blockNames } from "../../figures/docBlocks";
import { readFiguresFile } from "../../figures/figuresFile";
import { docFiles, renderDocs, ROOT } from "../../figures/renderDocs";
import { BLOCKS } from "../../figures/renderFigures";

const FIGURES = join(ROOT, "docs", "figures.json");
const figures = readFiguresFile(FIGURES);

describe("the docs print what docs/figures.json holds (npm run docs:figures)", () => {
  it("every generated block of README.md and docs/*.md equals its rendering from docs/figures.json", () => {
    const stale = renderDocs(figures, FIGURES).filter((d) => d.changed).map((d) => relative(ROOT, d.file));
    expect(stale, "edited by hand or figures changed: run `npm run docs:figures -- --render`").toEqual([]);
  });

  it("the README holds the demo's blocks, and every block in the docs is one the tool knows", () => {
    const names = docFiles().flatMap((f) => blockNames(readFileSync(f, "utf8"), relative(ROOT, f)));
    expect(names).toEqual(expect.arrayContaining(["demo-output", "demo-sweep"]));
    for (const n of names) expect(Object.keys(BLOCKS)).toContain(n);
  });

  it("the figures carry where they come from: commit, date, load and the command", () => {
    for (const group of [figures.demo, figures.quality, figures.bench]) {
      if (group === undefined) continue;
      expect(group.commit).toMatch(/^[0-9a-f]{7,}(\+changes)?$/);
      expect(group.command.length).toBeGreaterThan(0);
    }
    expect(figures.demo?.seeds.map((s) => s.seed)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe("a figure edited by hand is caught", () => {
  const root = mkdtempSync(join(tmpdir(), "cad-docs-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("reports the file whose block differs", () => {
    cpSync(join(ROOT, "README.md"), join(root, "README.md"));
    cpSync(join(ROOT, "docs"), join(root, "docs"), { recursive: true });
    const readme = readFileSync(join(root, "README.md"), "utf8");
    writeFileSync(join(root, "README.md"), readme.replace(/(<!-- figures:demo-sweep -->\n)Across/, "$1Nearly always, across"));
    const changed = renderDocs(figures, FIGURES, root).filter((d) => d.changed).map((d) => relative(root, d.file));
    expect(changed).toEqual(["README.md"]);
  });
});
