import { describe, expect, it } from "vitest";
import { denormalise, fitNormalisation, normaliseInto, Z_CLIP } from "../../runtime/features/normalisation";
import { minScaleForRole } from "../../runtime/features/roleScale";
import { Random } from "../../runtime/model/random";
import type { FeatureRow } from "../../runtime/types";

const row = (values: number[], gap = false): FeatureRow => ({ service: "s", container: "c", timestamp: 0, values, filled: 0, gap });

describe("fitNormalisation", () => {
  it("learns mean and (population) standard deviation per metric from non-gap rows", () => {
    const norm = fitNormalisation([row([1, 10]), row([3, 30]), row([NaN, NaN], true), row([5, 50])], 2);
    expect(norm.mean).toEqual([3, 30]);
    expect(norm.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(norm.std[1]).toBeCloseTo(Math.sqrt(800 / 3), 12);
  });

  it("floors the scale of a constant metric: 1 % of |mean|, the role's minimum, or 1e-6", () => {
    const rows = [row([200, 0, 0]), row([200, 0, 0]), row([200, 0, 0])];
    const norm = fitNormalisation(rows, 3, [0, minScaleForRole("restarts"), minScaleForRole("cpu")]);
    expect(norm.std).toEqual([2, 0.25, 1e-6]);
    // One restart after a training day without any is 4 scale units, not 1e6.
    const out: number[] = [];
    normaliseInto([200, 1, 0], norm, out, 0);
    expect(out).toEqual([0, 4, 0]);
  });

  it("rejects training data in which every row is a gap", () => {
    expect(() => fitNormalisation([row([NaN], true)], 1)).toThrow("cannot learn normalisation: every training row is a gap");
    expect(() => fitNormalisation([], 1)).toThrow("every training row is a gap");
  });
});

describe("normaliseInto / denormalise", () => {
  const rng = new Random(3);
  const rows = Array.from({ length: 200 }, () => row([50 + 10 * rng.normal(), 400 + 30 * rng.normal(), 1e6 * (1 + 0.1 * rng.normal())]));
  const norm = fitNormalisation(rows, 3);

  it("round-trips: denormalise(normalise(x)) ≈ x inside the clip range", () => {
    for (const x of [[50, 400, 1e6], [20, 310, 7e5], [81, 499, 1.3e6]]) {
      const z: number[] = [];
      normaliseInto(x, norm, z, 0);
      z.forEach((zi, m) => {
        expect(Math.abs(zi)).toBeLessThan(Z_CLIP);
        expect(denormalise(zi, norm, m)).toBeCloseTo(x[m], 6);
      });
    }
  });

  it("clips at ±Z_CLIP so one wild metric cannot swamp the others", () => {
    const z: number[] = [];
    normaliseInto([50 + 1000 * norm.std[0], 400 - 1000 * norm.std[1], 1e6], norm, z, 0);
    expect(z[0]).toBe(Z_CLIP);
    expect(z[1]).toBe(-Z_CLIP);
    expect(Math.abs(z[2])).toBeLessThan(1);
  });

  it("writes at the given offset and leaves the rest of the output alone", () => {
    const out = [7, 7, 7, 7, 7];
    normaliseInto([norm.mean[0], norm.mean[1], norm.mean[2]], norm, out, 2);
    expect(out.slice(0, 2)).toEqual([7, 7]);
    out.slice(2).forEach((v) => expect(v).toBeCloseTo(0, 12));
  });
});
