import { describe, expect, it } from "vitest";
import { AdaptiveThresholder } from "../../../runtime/model/adaptiveThresholder";
import { Random } from "../../../runtime/model/random";

/**
 * Seeded scores of mean 1 and standard deviation 0.25, light-tailed (normal) or heavy-tailed (a Student t with
 * 3 degrees of freedom, scaled to the same deviation): mean + 3σ is 1.75 for both, their 99.5th percentiles are
 * about 1.64 and 1.96.
 */
function scores(n: number, seed: number, heavy: boolean): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => {
    if (!heavy) return 1 + 0.25 * rng.normal();
    const z = rng.normal();
    const chi2 = rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2;
    return 1 + (0.25 / Math.sqrt(3)) * (z / Math.sqrt(chi2 / 3));
  });
}

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

  it("with a quantile, follows the scores' tail: raises the threshold of heavy-tailed scores, not of light-tailed ones", () => {
    const threshold = (heavy: boolean, quantile: number) => {
      const t = new AdaptiveThresholder({ zFactor: 3, lowerThreshold: 0, quantile });
      for (const s of scores(20_000, 7, heavy)) t.update(s);
      return t.threshold();
    };
    // Without it, both get mean + 3σ (about 1.75, the sample's own σ).
    expect(threshold(false, 0)).toBeCloseTo(1.75, 1);
    expect(threshold(true, 0)).toBeCloseTo(1.75, 1);
    // With it, light-tailed scores keep mean + 3σ (their 99.5th percentile lies below it), heavy-tailed ones get
    // their own 99.5th percentile, above it.
    expect(threshold(false, 0.995)).toBe(threshold(false, 0));
    expect(threshold(true, 0.995)).toBeGreaterThan(1.85);
    expect(threshold(true, 0.995)).toBeLessThan(2.1);
  });

  it("with a quantile, counts it only once it rests on minScores scores, and takes raw scores into it (not clipped)", () => {
    const t = new AdaptiveThresholder({ zFactor: 3, lowerThreshold: 0, discount: 0, minScores: 4, clipScores: true, quantile: 0.5 });
    t.calibrate(1, 0.1, 100);
    t.update(10);
    // A calibrated start: the quantile (of one score, 10) does not count yet.
    expect(t.threshold()).toBeLessThan(2);
    for (let i = 0; i < 5; i++) t.update(10);
    // Clipped at the threshold, the statistics stay low; the quantile of the scores as they came does not.
    expect(t.threshold()).toBeGreaterThan(9);
    expect(() => new AdaptiveThresholder({ quantile: 0.3 })).toThrow(/quantile must be 0 \(off\) or in \[0.5, 1\), got 0.3/);
  });

  it("round-trips its state with a quantile, and refuses a quantile without its histogram", () => {
    const t = new AdaptiveThresholder({ zFactor: 3, quantile: 0.99 });
    for (const s of scores(3_000, 8, true)) t.update(s);
    const state = t.toState();
    const r = AdaptiveThresholder.fromState(JSON.parse(JSON.stringify(state)));
    expect(r.threshold()).toBe(t.threshold());
    expect(r.grade(3)).toBe(t.grade(3));
    expect(() => AdaptiveThresholder.fromState({ ...state, tail: undefined })).toThrow(/quantile is 0.99 but the score histogram is absent/);
    // A quantile with its own memory keeps it through the state.
    const long = new AdaptiveThresholder({ quantile: 0.99, quantileDiscount: 1 / 10_000 });
    long.update(1);
    expect(AdaptiveThresholder.fromState(JSON.parse(JSON.stringify(long.toState()))).toState().tailDiscount).toBe(1 / 10_000);
    // A state saved before the quantile existed has neither field: the quantile is off.
    const old = new AdaptiveThresholder({ zFactor: 3 }).toState();
    expect(old).not.toHaveProperty("tail");
    expect(AdaptiveThresholder.fromState(old).quantile).toBe(0);
  });

  it("round-trips its state", () => {
    const t = new AdaptiveThresholder({ zFactor: 2.5 });
    for (let i = 0; i < 50; i++) t.update(1 + (i % 5) / 10);
    const r = AdaptiveThresholder.fromState(JSON.parse(JSON.stringify(t.toState())));
    expect(r.threshold()).toBe(t.threshold());
    expect(r.grade(3)).toBe(t.grade(3));
  });
});
