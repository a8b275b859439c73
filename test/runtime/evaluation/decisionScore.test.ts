import { describe, expect, it } from "vitest";
import { decisionScore } from "../../../runtime/evaluation/decisionScore";

describe("decisionScore", () => {
  it("puts every alert at or above 1/2 and every other step below it", () => {
    expect(decisionScore({ alert: true, likelihood: 0.3, grade: 0.2 })).toBeCloseTo(0.6);
    expect(decisionScore({ alert: true, likelihood: 0.9, grade: 0.2 })).toBeCloseTo(0.9);
    expect(decisionScore({ alert: true, likelihood: 0.999, grade: 1 })).toBe(1);
    // A suppressed repeat far beyond the threshold still ranks below any alert.
    expect(decisionScore({ alert: false, likelihood: 0.99, grade: 0.9 })).toBeLessThan(0.5);
    expect(decisionScore({ alert: false, likelihood: 0, grade: 0 })).toBe(0);
  });

  it("keeps the likelihood's order among the steps that did not alert", () => {
    const scores = [0, 0.1, 0.4, 0.5, 0.8, 0.99].map((likelihood) => decisionScore({ alert: false, likelihood, grade: 0 }));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]);
  });
});
