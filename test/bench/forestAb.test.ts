import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { combineSides, compareForests, parseOtherSideLine, scoreDifferences, type AbLine } from "../../bench/forestAb";

const root = join(__dirname, "../..");

describe("compareForests", () => {
  it("times two checkouts' forests side by side and tells whether their scores are bit-identical", () => {
    // This checkout against itself: the same engine, so the same scores; both rates measured.
    const lines = [...compareForests({ against: root, dims: [5, 20], mode: "fresh", points: 200, reps: 2, trees: 4, sampleSize: 32 })];
    expect(lines.map((l) => [l.dims, l.mode, l.sameScores])).toEqual([
      [5, "fresh", true],
      [20, "fresh", true],
    ]);
    for (const l of lines) {
      expect(l.thisPerSec).toBeGreaterThan(0);
      expect(l.againstPerSec).toBeGreaterThan(0);
    }
    const [score] = [...compareForests({ against: root, dims: [5], mode: "score", points: 200, reps: 1, trees: 4, sampleSize: 32 })];
    expect(score.sameScores).toBe(true);
    expect([score.differingScores, score.maxRelativeDifference]).toEqual([0, 0]);
    // Restores per second of a full forest's state; the restored forests score the points after it alike.
    const [restore] = [...compareForests({ against: root, dims: [20], mode: "restore", points: 200, reps: 1, trees: 4, sampleSize: 32 })];
    expect([restore.mode, restore.sameScores]).toEqual(["restore", true]);
    expect(restore.thisPerSec).toBeGreaterThan(0);
    expect(restore.againstPerSec).toBeGreaterThan(0);
  });

  it("counts every score that differs, however little, where a sum of them could hide it", () => {
    const a = Float64Array.of(1, 0.1 + 0.2, 2, 0, 5);
    const b = Float64Array.of(1, 0.3, 2, -0, 5 * (1 + 4 * Number.EPSILON));
    // 0.1 + 0.2 and 0.3 differ by one unit in the last place; their sums' difference rounds away once added to 1e3.
    expect(1e3 + a.reduce((x, y) => x + y)).toBe(1e3 + b.reduce((x, y) => x + y));
    const d = scoreDifferences(a, b);
    expect(d.differing).toBe(2);
    expect(d.maxRelative).toBeCloseTo((4 * Number.EPSILON) / (1 + 4 * Number.EPSILON), 20);
    expect(scoreDifferences(a, a)).toEqual({ differing: 0, maxRelative: 0 });
  });

  it("names the checkout it cannot load", () => {
    expect(() => [...compareForests({ against: join(root, "no-such-dir"), dims: [5], mode: "fresh", points: 10, reps: 1 })]).toThrow(/no-such-dir\/runtime\/model\/streamingForest\.ts/);
  });

  it("combines both sides' gains so that each side's favour for itself cancels", () => {
    const line = (dims: number, gain: number): AbLine => ({ name: "forest-ab", dims, mode: "fresh", points: 10, reps: 1, thisPerSec: 1, againstPerSec: 1, gain, sameScores: false, differingScores: 1, maxRelativeDifference: 0.1 });
    // Each side 4 % ahead of an equal engine: 1.04 from here, 1.04 from there -> 1. A 10 % faster engine here: 1.144 / 0.945.
    const combined = combineSides([line(5, 1.04), line(20, 1.144)], [line(20, 0.945), line(5, 1.04)]);
    expect(combined.map((l) => [l.dims, l.gainFromOtherSide, l.gainBothSides])).toEqual([
      [5, 1.04, 1],
      [20, 0.945, 1.1],
    ]);
    expect(() => combineSides([line(40, 1)], [line(5, 1)])).toThrow(/no line for 40 dims/);
  });

  it("checks each line the other side prints, naming what is wrong", () => {
    expect(parseOtherSideLine('{"name":"forest-ab","dims":20,"mode":"fresh","gain":0.98,"sameScores":true}')).toEqual({ dims: 20, mode: "fresh", gain: 0.98 });
    expect(() => parseOtherSideLine("forestAb: no such dir")).toThrow(/not JSON: forestAb: no such dir/);
    expect(() => parseOtherSideLine('{"dims":20,"mode":"fresh","gain":0}')).toThrow(/Expected >0 but received 0\n {2}→ at gain/);
    expect(() => parseOtherSideLine('{"dims":20,"mode":"both","gain":1}')).toThrow(/received "both"\n {2}→ at mode/);
    expect(parseOtherSideLine('{"dims":7,"mode":"restore","gain":1.4}')).toEqual({ dims: 7, mode: "restore", gain: 1.4 });
  });

  it("--both-sides runs the other checkout's copy of the tool against this one and prints the combined gain", () => {
    const run = spawnSync(process.execPath, [join(root, "bin/run-ts.js"), "bench/forestAbMain.ts", "--against", root, "--dims", "5", "--points", "100", "--reps", "1", "--both-sides"], { cwd: root, encoding: "utf8" });
    expect(run.stderr).toBe("");
    const [line] = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { dims: number; sameScores: boolean; gain: number; gainFromOtherSide: number; gainBothSides: number });
    expect([line.dims, line.sameScores]).toEqual([5, true]);
    expect(line.gainBothSides).toBeCloseTo(Math.sqrt(line.gain / line.gainFromOtherSide), 2);
  });

  it("--both-sides names the other checkout's tool when it cannot run (a checkout from before the tool)", () => {
    // A checkout with this engine but no bench/: the first side runs, the other side's tool is missing.
    const dir = mkdtempSync(join(tmpdir(), "cad-ab-"));
    try {
      for (const d of ["runtime", "bin", "node_modules", "package.json", "tsconfig.json"]) symlinkSync(join(root, d), join(dir, d));
      const run = spawnSync(process.execPath, [join(root, "bin/run-ts.js"), "bench/forestAbMain.ts", "--against", dir, "--dims", "5", "--points", "50", "--reps", "1", "--both-sides"], { cwd: root, encoding: "utf8" });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(`${join(dir, "bench", "forestAbMain.ts")} --against ${root} exited`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
