import { describe, expect, it } from "vitest";
import { AdaptiveThresholder } from "../../../runtime/model/adaptiveThresholder";

describe("AdaptiveThresholder", () => {
  it("grades 0 up to mean + z·sd and (score − threshold)/(score − mean) beyond", () => {
    const t = new AdaptiveThresholder({ zFactor: 3, lowerThreshold: 0, discount: 0, minScores: 4 });
    for (const s of [1, 3, 1, 3]) t.update(s); // mean 2, sd 1
    expect(t.threshold()).toBeCloseTo(5, 10);
    expect(t.grade(4.9)).toBe(0);
    expect(t.grade(8)).toBeCloseTo((8 - 5) / (8 - 2), 10);
  });

  it("never alerts at or below lowerThreshold, nor before minScores scores", () => {
    const t = new AdaptiveThresholder({ lowerThreshold: 10, discount: 0, minScores: 3 });
    t.update(1);
    t.update(1);
    expect(t.grade(100)).toBe(0);
    t.update(1);
    expect(t.threshold()).toBe(10);
    expect(t.grade(10)).toBe(0);
    expect(t.grade(20)).toBeGreaterThan(0);
  });

  it("with clipScores, an anomaly does not raise the threshold", () => {
    const make = (clipScores: boolean) => {
      const t = new AdaptiveThresholder({ lowerThreshold: 0, discount: 0, minScores: 4, clipScores });
      for (const s of [1, 3, 1, 3, 1, 3]) t.update(s);
      t.update(100);
      return t.threshold();
    };
    expect(make(true)).toBeLessThan(7);
    expect(make(false)).toBeGreaterThan(20);
  });

  it("round-trips its state", () => {
    const t = new AdaptiveThresholder({ zFactor: 2.5 });
    for (let i = 0; i < 50; i++) t.update(1 + (i % 5) / 10);
    const r = AdaptiveThresholder.fromState(JSON.parse(JSON.stringify(t.toState())));
    expect(r.threshold()).toBe(t.threshold());
    expect(r.grade(3)).toBe(t.grade(3));
  });
});
