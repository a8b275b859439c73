import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareForests, scoreDifferences } from "../../bench/forestAb";

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
});
