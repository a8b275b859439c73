import { describe, expect, it } from "vitest";
import { Random } from "../../../runtime/model/random";
import { SCORE_BINS, ScoreQuantile } from "../../../runtime/model/scoreQuantile";

/** Exponential scores of mean 0.5 above 0.2 (seeded): their p-quantile is 0.2 − 0.5·ln(1 − p). */
function exponentialScores(n: number, seed: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => 0.2 - 0.5 * Math.log(1 - rng.next()));
}

describe("ScoreQuantile", () => {
  it("estimates a high quantile of a stream to within its bins' 6 %", () => {
    for (const level of [0.5, 0.9, 0.99]) {
      const q = new ScoreQuantile(level, 0);
      for (const s of exponentialScores(20_000, 3)) q.updateStep([s]);
      const exact = 0.2 - 0.5 * Math.log(1 - level);
      expect(Math.abs(q.value() / exact - 1)).toBeLessThan(0.06);
      expect(q.weight()).toBeCloseTo(20_000, 6);
    }
  });

  it("forgets: with a memory of 500 steps it follows a stream whose scores doubled 5,000 steps ago", () => {
    const q = new ScoreQuantile(0.9, 1 / 500);
    const before = exponentialScores(5_000, 4);
    for (const s of before) q.updateStep([s]);
    const first = q.value();
    for (const s of exponentialScores(5_000, 5)) q.updateStep([2 * s]);
    expect(q.value() / first).toBeGreaterThan(1.8);
    expect(q.value() / first).toBeLessThan(2.2);
    expect(q.weight()).toBeCloseTo(500, 0);
  });

  it("gives a step's scores the weight of one step, shared, and counts huge scores in its last bin", () => {
    const q = new ScoreQuantile(0.75, 0);
    q.updateStep([1, 1, 1, 1000]);
    expect(q.weight()).toBeCloseTo(1, 12);
    expect(q.value()).toBeGreaterThan(0.94);
    expect(q.value()).toBeLessThan(1.07);
    q.updateStep([1000]);
    expect(q.value()).toBe(64);
  });

  it("round-trips its state and refuses a bad one", () => {
    const q = new ScoreQuantile(0.995, 1 / 2560);
    for (const s of exponentialScores(3_000, 6)) q.updateStep([s]);
    const r = ScoreQuantile.fromState(0.995, 1 / 2560, JSON.parse(JSON.stringify(q.toState())) as number[]);
    expect(r.value()).toBe(q.value());
    expect(r.weight()).toBeCloseTo(q.weight(), 9);
    expect(() => ScoreQuantile.fromState(0.995, 0, [1, 2])).toThrow(/128 finite weights/);
    expect(() => ScoreQuantile.fromState(0.995, 0, new Array<number>(SCORE_BINS).fill(-1))).toThrow(/finite weights >= 0/);
    expect(() => new ScoreQuantile(1, 0)).toThrow(/quantile level must be in \(0, 1\)/);
  });
});
