import { describe, expect, it } from "vitest";
import { Random } from "../../../runtime/model/random";
import { SeasonalScorer, type SeasonalScorerOptions } from "../../../runtime/model/seasonalScorer";

/**
 * A step's seasonal grade is the largest of its metrics': with m metrics on a cycle, m chances at a false one. The
 * bar a smoothed residual must pass rises by ln m (one metric's chance of a false grade if its tail beyond the bar
 * falls by e per root mean square).
 */
const PERIOD = 48;
const base: Omit<SeasonalScorerOptions, "inputs"> = { maxPeriod: 64, minPeriod: 24, zFactor: 6 };

/** `metrics` clean cycles; from step `at` metric 0 lies `jump` above its cycle. */
function rows(metrics: number, seed: number, at: number, jump: number, steps: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: steps }, (_, t) =>
    Array.from({ length: metrics }, (_, m) => 50 + 20 * Math.sin((2 * Math.PI * (t + 5 * m)) / PERIOD) + rng.normal() + (m === 0 && t >= at ? jump : 0)),
  );
}

/** The first step from `at` a scorer grades, the grade and metric 0's z there (step -1: none). */
function firstGrade(scorer: SeasonalScorer, data: readonly number[][], at: number, width: number): { step: number; grade: number; z: number } {
  for (let t = 0; t < data.length; t++) {
    const grade = scorer.process(data[t].slice(0, width));
    if (t === at - 1) expect(scorer.periods()).toEqual(new Array(width).fill(PERIOD));
    if (t >= at && grade > 0) return { step: t, grade, z: scorer.z(0) };
  }
  return { step: -1, grade: 0, z: 0 };
}

describe.each([1, 2, 3])("the seasonal grade of several metrics (seed %i)", (seed) => {
  it("asks ln m more of a metric's smoothed residual when m metrics have a cycle", () => {
    const at = 20 * PERIOD;
    const outcomes: string[] = [];
    for (const jump of [2, 3, 4, 5, 6, 8, 12, 20]) {
      const data = rows(8, seed, at, jump, at + PERIOD);
      const one = firstGrade(new SeasonalScorer({ ...base, inputs: 1 }), data, at, 1);
      const eight = firstGrade(new SeasonalScorer({ ...base, inputs: 8 }), data, at, 8);
      if (one.step >= 0) expect(one.grade).toBeCloseTo((one.z - 6) / one.z, 12);
      if (eight.step >= 0) {
        expect(eight.z).toBeGreaterThan(6 + Math.log(8));
        expect(eight.grade).toBeCloseTo((eight.z - 6 - Math.log(8)) / eight.z, 12);
      }
      outcomes.push(`${one.step >= 0 ? "one" : "-"}/${eight.step >= 0 ? "eight" : "-"}`);
    }
    // A jump only one metric's bar lets through, and one that passes both.
    expect(outcomes).toContain("one/-");
    expect(outcomes).toContain("one/eight");
    expect(outcomes).not.toContain("-/eight");
  });
});
