import { describe, expect, it } from "vitest";
import { blockNames, fillBlocks } from "../../figures/docBlocks";

const doc = ["# Title", "hand-written", "<!-- figures:alpha -->", "old alpha", "<!-- /figures:alpha -->", "between", "<!-- figures:beta -->", "<!-- /figures:beta -->", "end"].join("\n");

describe("fillBlocks", () => {
  it("replaces only what lies between each block's markers, keeping the hand-written text around them", () => {
    const out = fillBlocks(doc, "README.md", (name) => `new ${name}\nsecond line`);
    expect(out).toBe(["# Title", "hand-written", "<!-- figures:alpha -->", "new alpha", "second line", "<!-- /figures:alpha -->", "between", "<!-- figures:beta -->", "new beta", "second line", "<!-- /figures:beta -->", "end"].join("\n"));
    // Filling again with the same content changes nothing.
    expect(fillBlocks(out, "README.md", (name) => `new ${name}\nsecond line`)).toBe(out);
  });

  it("lists the blocks in order", () => {
    expect(blockNames(doc, "README.md")).toEqual(["alpha", "beta"]);
    expect(blockNames("no blocks here", "x.md")).toEqual([]);
  });

  it("names the file and the block when a block is never closed, appears twice, or has no figures", () => {
    expect(() => blockNames("<!-- figures:alpha -->\ntext", "docs/x.md")).toThrow('docs/x.md: block "alpha" opened by "<!-- figures:alpha -->" is never closed by "<!-- /figures:alpha -->"');
    expect(() => blockNames(`${doc}\n<!-- figures:alpha -->\n<!-- /figures:alpha -->`, "README.md")).toThrow('README.md: block "alpha" appears twice');
    expect(() => fillBlocks(doc, "README.md", (name) => (name === "alpha" ? "a" : undefined))).toThrow('README.md: no figures for block "beta"');
  });
});
