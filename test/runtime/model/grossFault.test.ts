import { describe, expect, it } from "vitest";
import { grossFaultGrade } from "../../../runtime/model/grossFault";

const stats = (mean: number[], sd: number[]) => [(m: number) => mean[m], (m: number) => sd[m]] as const;

describe("grossFaultGrade", () => {
  it("grades a metric far beyond both limits, from 1/2 at the limit to 1 at three times it", () => {
    const [mean, sd] = stats([20, 300], [2, 10]);
    const limits = { ratio: 2, z: 20 };
    // CPU 20 ± 2: the limit is max(20 · 2, 2 · 20) = 40 from the mean.
    expect(grossFaultGrade([59, 300], mean, sd, limits)).toBe(0);
    expect(grossFaultGrade([61, 300], mean, sd, limits)).toBeCloseTo(0.5 + 1 / 40 / 4, 6);
    expect(grossFaultGrade([200, 300], mean, sd, limits)).toBe(1);
    expect(grossFaultGrade([20, 300], mean, sd, limits)).toBe(0);
  });

  it("needs both the relative and the statistical distance: a noisy metric is not judged by its level alone", () => {
    const [mean, sd] = stats([20], [10]);
    // 3× the level is 60 away, but 20 standard deviations are 200.
    expect(grossFaultGrade([100], mean, sd, { ratio: 2, z: 20 })).toBe(0);
    expect(grossFaultGrade([250], mean, sd, { ratio: 2, z: 20 })).toBeGreaterThan(0.5);
  });

  it("skips a metric without a scale yet and is off at ratio 0", () => {
    const [mean, sd] = stats([0, 5], [0, 0.1]);
    expect(grossFaultGrade([1000, 5], mean, sd, { ratio: 2, z: 20 })).toBe(0);
    expect(grossFaultGrade([0, 50], mean, sd, { ratio: 0, z: 20 })).toBe(0);
    expect(grossFaultGrade([0, 50], mean, sd, { ratio: 2, z: 20 })).toBe(1);
  });
});
