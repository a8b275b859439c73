import { describe, expect, it } from "vitest";
import { laggedProducts } from "../../../runtime/model/laggedProducts";
import { Random } from "../../../runtime/model/random";

describe("laggedProducts", () => {
  it.each([1, 2, 7, 100, 257])("equals the direct sums of x[t] · x[t − k] (n = %i)", (n) => {
    const rng = new Random(n);
    const x = Array.from({ length: n }, () => rng.normal() * 100);
    const maxLag = Math.floor(n / 2) + 1;
    const got = laggedProducts(x, maxLag);
    expect(got.length).toBe(Math.min(maxLag, n - 1) + 1);
    got.forEach((value, k) => {
      let direct = 0;
      for (let t = k; t < n; t++) direct += x[t] * x[t - k];
      expect(value).toBeCloseTo(direct, 6);
    });
  });
});
