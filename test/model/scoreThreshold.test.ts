import { describe, expect, it } from "vitest";
import { fitThreshold } from "../../runtime/model/scoreThreshold";

describe("fitThreshold: SageMaker's rule, mean + 3σ of the training scores", () => {
  it("matches the hand-computed value", () => {
    // mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
    const stats = fitThreshold([1, 2, 3, 4]);
    expect(stats.count).toBe(4);
    expect(stats.mean).toBe(2.5);
    expect(stats.std).toBeCloseTo(Math.sqrt(1.25), 14);
    expect(stats.sigmas).toBe(3);
    expect(stats.threshold).toBeCloseTo(2.5 + 3 * Math.sqrt(1.25), 14);
    expect(stats.quantiles).toEqual({ p50: 3, p90: 4, p99: 4, max: 4 });
  });

  it("takes another number of sigmas", () => {
    const stats = fitThreshold([0, 2], 2);
    expect(stats.threshold).toBe(1 + 2 * 1);
  });

  it("rejects no scores and non-finite scores", () => {
    expect(() => fitThreshold([])).toThrow("cannot derive a threshold from zero training scores");
    expect(() => fitThreshold([1, NaN])).toThrow("training score is not finite: NaN");
  });
});
