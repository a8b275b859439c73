import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../figures/renderDocs";

const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin", "run-ts.js"), "figures/main.ts", ...args], { cwd: ROOT, encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "cad-figures-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run docs:figures", () => {
  it("--check passes on the repository as committed, and --help lists the blocks and groups", () => {
    const check = run("--check");
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("demo-sweep");
    expect(help.stdout).toContain("--quality-from <file>");
  });

  it("--check exits 1 naming the doc when the figures file says something else, and changes no file", () => {
    const figures = JSON.parse(readFileSync(join(ROOT, "docs", "figures.json"), "utf8")) as { demo: { npmStartSeconds: number } };
    figures.demo.npmStartSeconds += 100;
    const edited = join(dir, "figures.json");
    writeFileSync(edited, JSON.stringify(figures));
    const before = readFileSync(join(ROOT, "README.md"), "utf8");
    const r = run("--check", "--figures", edited);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("docs:figures: README.md differs from");
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toBe(before);
  });

  it("usage errors exit 2: an unknown group, a saved output that does not exist; a malformed figures file names its field", () => {
    const group = run("--only", "demo,nope");
    expect(group.status).toBe(2);
    expect(group.stderr).toContain('unknown group "nope" (groups: demo, quality, bench)');
    const missing = run("--only", "quality", "--quality-from", join(dir, "nowhere.json"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, "nowhere.json")} does not exist`);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ schema: "cad.docs-figures/1", demo: { measuredAt: "yesterday" } }));
    const r = run("--check", "--figures", bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.json: demo\.measuredAt: expected an ISO 8601 timestamp/);
  });
});
