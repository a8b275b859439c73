import { describe, expect, it } from "vitest";
import { IsolationForestBaseline, requireConsecutive, thresholdOf, ThreeSigmaBaseline } from "../../../runtime/evaluation/baselines";
import { Random } from "../../../runtime/model/random";

/** `n` rows of 3 metrics around (50, 1000, 3), seeded. */
function normalRows(n: number, seed: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => [50 + rng.normal(), 1000 + 10 * rng.normal(), 3 + 0.1 * rng.normal()]);
}

describe("3σ needing 3 consecutive anomalous steps", () => {
  it("alerts only from the third consecutive anomalous step, for as long as the run lasts", () => {
    const T = true;
    const F = false;
    expect(requireConsecutive([T, T, F, T, T, T, T, F, T, T, T], 3)).toEqual([F, F, F, F, F, T, T, F, F, F, T]);
    expect(requireConsecutive([T, F, T], 1)).toEqual([T, F, T]);
    expect(requireConsecutive([], 3)).toEqual([]);
  });

  it("stays silent on a 2-step excursion of one metric and alerts on steps 3–4 of a 4-step one", () => {
    const s3 = new ThreeSigmaBaseline(normalRows(500, 1));
    const test = normalRows(30, 2);
    for (const i of [5, 6, 15, 16, 17, 18]) test[i][0] = 60; // 10 training sds above the mean
    const perStep = test.map((r) => s3.isAnomaly(r));
    const alerts = requireConsecutive(perStep, 3);
    expect(perStep.flatMap((a, i) => (a ? [i] : []))).toEqual([5, 6, 15, 16, 17, 18]);
    expect(alerts.flatMap((a, i) => (a ? [i] : []))).toEqual([17, 18]);
  });

  it("rejects fewer than one consecutive step", () => {
    expect(() => requireConsecutive([true], 0)).toThrow(/consecutive steps must be an integer of at least 1, got 0/);
  });
});

describe("isolation forest baseline thresholds", () => {
  const train = normalRows(2000, 3);
  const forest = new IsolationForestBaseline(train, { numTrees: 100, subsample: 256, seed: 1 });

  it("puts the 99.5th percentile where about 0.5% of the training rows score above it", () => {
    const p995 = forest.thresholdFor({ quantile: 0.995 });
    const above = forest.trainingScores.filter((s) => s > p995).length / train.length;
    expect(above).toBeGreaterThanOrEqual(0.004);
    expect(above).toBeLessThanOrEqual(0.005);
    // The constructor's rule and thresholdFor agree, on the same training scores.
    const q = new IsolationForestBaseline(train, { numTrees: 100, subsample: 256, seed: 1, threshold: { quantile: 0.995 } });
    expect(q.threshold).toBe(p995);
  });

  it("keeps mean + 3σ of the training scores as the default threshold", () => {
    const s = forest.trainingScores;
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
    expect(forest.threshold).toBeCloseTo(mean + 3 * sd, 12);
    expect(forest.thresholdFor("mean+3sd")).toBe(forest.threshold);
  });

  it("takes the nearest rank and rejects a quantile outside (0, 1)", () => {
    const scores = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200
    expect(thresholdOf(scores, { quantile: 0.995 })).toBe(199); // only 200 is above
    expect(thresholdOf(scores, { quantile: 0.5 })).toBe(100);
    expect(() => thresholdOf(scores, { quantile: 1 })).toThrow(/threshold quantile must be a fraction in \(0, 1\), got 1/);
    expect(() => thresholdOf([], "mean+3sd")).toThrow(/at least one training score/);
  });
});
