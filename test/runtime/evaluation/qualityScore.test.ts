import { describe, expect, it } from "vitest";
import { confirmedDifference, confirmedScores, judgeChange, meanOverSets, normalisedScore, seedSpread, spreadWidth } from "../../../runtime/evaluation/qualityScore";

describe("quality score", () => {
  it("summarises a figure over seeds: mean, min, max and the values in seed order", () => {
    const s = seedSpread([0.5, 0.8, 0.2]);
    expect(s).toEqual({ mean: 0.5, min: 0.2, max: 0.8, values: [0.5, 0.8, 0.2] });
    expect(spreadWidth(s)).toBeCloseTo(0.6, 12);
  });

  it("refuses an empty or non-finite list of seed values", () => {
    expect(() => seedSpread([])).toThrow("a seed spread needs at least one value");
    expect(() => seedSpread([1, Number.NaN])).toThrow("seed values must be finite numbers, got [1, NaN]");
  });

  it("puts NAB's standard score (0–100) and a labelled set's onset F1 on one 0–1 scale", () => {
    expect(normalisedScore({ kind: "nab", standard: 77 })).toBeCloseTo(0.77, 12);
    expect(normalisedScore({ kind: "labelled", onsetF1: 0.45 })).toBe(0.45);
  });

  it("averages over sets seed by seed, so the spread is over seeds", () => {
    const m = meanOverSets([seedSpread([0.7, 0.8, 0.9]), seedSpread([0.1, 0.2, 0.0])]);
    expect(m.values.map((x) => Number(x.toFixed(6)))).toEqual([0.4, 0.5, 0.45]);
    expect(m.mean).toBeCloseTo(0.45, 12);
    expect(m.min).toBeCloseTo(0.4, 12);
    expect(m.max).toBeCloseTo(0.5, 12);
    expect(() => meanOverSets([seedSpread([1, 2]), seedSpread([1])])).toThrow("every set needs the same number of seeds, got 2, 1");
  });

  describe("judging a change", () => {
    // Reference spreads: a 0.70–0.74 (0.04), b 0.40–0.41 (0.01).
    const reference = { a: seedSpread([0.7, 0.72, 0.74]), b: seedSpread([0.4, 0.41, 0.405]) };

    it("keeps a change whose mean rises and whose drops stay within the seed spread", () => {
      const v = judgeChange(reference, { a: seedSpread([0.69, 0.71, 0.73]), b: seedSpread([0.45, 0.46, 0.47]) });
      expect(v.keep).toBe(true);
      expect(v.meanDelta).toBeCloseTo((0.71 + 0.46 - 0.72 - 0.405) / 2, 12);
      expect(v.drops).toEqual([]);
    });

    it("rejects a change that raises the mean but loses more than a set's seed spread there", () => {
      const v = judgeChange(reference, { a: seedSpread([0.9, 0.9, 0.9]), b: seedSpread([0.38, 0.39, 0.4]) });
      expect(v.meanDelta).toBeGreaterThan(0);
      expect(v.keep).toBe(false);
      expect(v.drops).toHaveLength(1);
      expect(v.drops[0].set).toBe("b");
      expect(v.drops[0].drop).toBeCloseTo(0.015, 12);
      expect(v.drops[0].spread).toBeCloseTo(0.01, 12);
    });

    it("rejects a change that does not raise the mean", () => {
      expect(judgeChange(reference, reference).keep).toBe(false);
    });

    it("counts a labelled set's rise only as far as its run F1 rose too: repeated onsets in found runs are not a gain", () => {
      // Set b's onset F1 rises by 0.05 (the mean by 0.025), its run F1 falls by 0.005: nothing of b's rise is
      // confirmed, and the confirmed mean change is b's run F1 change over the two sets.
      const change = { a: reference.a, b: seedSpread([0.45, 0.46, 0.455]) };
      const runF1 = { reference: { b: seedSpread([0.3, 0.31, 0.305]) }, change: { b: seedSpread([0.295, 0.305, 0.3]) } };
      const v = judgeChange(reference, change, runF1);
      expect(v.meanDelta).toBeCloseTo(0.025, 12);
      expect(v.confirmedMeanDelta).toBeCloseTo(-0.0025, 12);
      expect(v.keep).toBe(false);
      // Run F1 up by 0.02 of the 0.05: 0.02 of b's rise counts.
      const partly = judgeChange(reference, change, { ...runF1, change: { b: seedSpread([0.32, 0.33, 0.325]) } });
      expect(partly.confirmedMeanDelta).toBeCloseTo(0.01, 12);
      expect(partly.keep).toBe(true);
      // A run F1 that rose more than onset F1 adds nothing beyond the onset F1 rise; without run F1s nothing changes.
      expect(judgeChange(reference, change, { ...runF1, change: { b: seedSpread([0.4, 0.4, 0.4]) } }).confirmedMeanDelta).toBeCloseTo(0.025, 12);
      expect(judgeChange(reference, change).confirmedMeanDelta).toBe(judgeChange(reference, change).meanDelta);
      expect(() => judgeChange(reference, change, { reference: { c: reference.a }, change: { c: reference.a } })).toThrow('run F1 for "c" needs');
    });

    it("gives leave-one-set-out the scores the verdict counts: a labelled set's rise as far as its run F1 rose", () => {
      const change = { a: seedSpread([0.8, 0.8, 0.8]), b: seedSpread([0.45, 0.46, 0.455]) };
      const runF1 = { reference: { b: seedSpread([0.3, 0.31, 0.305]) }, change: { b: seedSpread([0.32, 0.33, 0.325]) } };
      // a (not labelled) as measured; b: the reference's 0.405 + the run F1 rise of 0.02 (of the onset F1 rise of 0.05).
      const scores = confirmedScores(reference, change, runF1);
      expect(scores.a).toBeCloseTo(0.8, 12);
      expect(scores.b).toBeCloseTo(0.425, 12);
      expect(confirmedScores(reference, reference, { reference: runF1.reference, change: runF1.reference })).toEqual({ a: reference.a.mean, b: reference.b.mean });
      expect(confirmedScores(reference, change)).toEqual({ a: change.a.mean, b: change.b.mean });
      // A fall counts as the larger of the two falls.
      expect(confirmedDifference(-0.01, -0.03)).toBe(-0.03);
      expect(confirmedDifference(0.05, 0.02)).toBe(0.02);
      expect(() => confirmedScores(reference, change, { reference: {}, change: runF1.change })).toThrow('run F1 for "b" needs');
    });

    it("needs the change measured on the same sets", () => {
      expect(() => judgeChange(reference, { a: reference.a })).toThrow("the change must be measured on the reference's sets (a, b), got a");
    });
  });
});
