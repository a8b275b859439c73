import { describe, expect, it } from "vitest";
import { grossFallGrade, grossFaultGrade, lastingFallGrade } from "../../../runtime/model/grossFault";

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

describe("grossFallGrade", () => {
  const limits = { ratio: 2, z: 20, fallZ: 4 };

  it("grades a fall below a third of the level and beyond fallZ deviations, on the rise's scale", () => {
    // Traffic 1,000 ± 100: the limit is max(4 · 100, 2/3 · 1,000) ≈ 667 under the mean, so 333 or less.
    const [mean, sd] = stats([1000, 20], [100, 2]);
    expect(grossFallGrade([340, 20], mean, sd, limits)).toBe(0);
    expect(grossFallGrade([330, 20], mean, sd, limits)).toBeCloseTo(0.5 + (670 / (2000 / 3) - 1) / 4, 6);
    expect(grossFallGrade([0, 20], mean, sd, limits)).toBeCloseTo(0.5 + 0.5 / 4, 6);
    // A fall to half is not gross, nor any rise (that is grossFaultGrade's).
    expect(grossFallGrade([500, 20], mean, sd, limits)).toBe(0);
    expect(grossFallGrade([5000, 20], mean, sd, limits)).toBe(0);
    // Across zero counts: CPU going from 20 to -40.
    expect(grossFallGrade([1000, -40], mean, sd, limits)).toBe(1);
  });

  it("mirrors for a negative level, and needs the fall to be far outside the metric's noise", () => {
    const [mean, sd] = stats([-30], [1]);
    expect(grossFallGrade([-5], mean, sd, limits)).toBeGreaterThan(0.5);
    expect(grossFallGrade([-60], mean, sd, limits)).toBe(0);
    // Lognormal-like noise whose deviation is near its level: no fall toward zero is four deviations.
    const [noisyMean, noisySd] = stats([20], [15]);
    expect(grossFallGrade([0], noisyMean, noisySd, limits)).toBe(0);
  });

  it("is off at fallZ 0 or ratio 0, and skips a metric at zero", () => {
    const [mean, sd] = stats([1000, 0], [100, 0]);
    expect(grossFallGrade([0, -5], mean, sd, { ...limits, fallZ: 0 })).toBe(0);
    expect(grossFallGrade([0, -5], mean, sd, { ...limits, ratio: 0 })).toBe(0);
    expect(grossFallGrade([1000, -5], mean, sd, limits)).toBe(0);
  });
});

describe("lastingFallGrade", () => {
  it("grades a fall only when the step before fell too, with the current step's grade", () => {
    const [mean, sd] = stats([1000], [100]);
    const limits = { ratio: 2, z: 20, fallZ: 4 };
    expect(lastingFallGrade([0], [0], mean, sd, limits)).toBeCloseTo(0.5 + 0.5 / 4, 6);
    expect(lastingFallGrade([0], [300], mean, sd, limits)).toBeCloseTo(0.5 + 0.5 / 4, 6);
    // A one-step zero (the step before was normal), and a recovery after a fall, are not graded.
    expect(lastingFallGrade([0], [950], mean, sd, limits)).toBe(0);
    expect(lastingFallGrade([980], [0], mean, sd, limits)).toBe(0);
  });
});
