import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareForests } from "../../bench/forestAb";

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
  });

  it("names the checkout it cannot load", () => {
    expect(() => [...compareForests({ against: join(root, "no-such-dir"), dims: [5], mode: "fresh", points: 10, reps: 1 })]).toThrow(/no-such-dir\/runtime\/model\/streamingForest\.ts/);
  });
});
