import { describe, expect, it } from "vitest";
import { Random } from "../../../runtime/model/random";
import { ceilF32, floorF32 } from "../../../runtime/model/treeArrays";

describe("float32 box rounding", () => {
  it("rounds outwards to a float32 within two float32 steps: floorF32 at or below, ceilF32 at or above", () => {
    const rng = new Random(1);
    const values = [0, -0, 1, -1, 0.1, -0.1, 1e-40, -1e-40, 1e-45, 3.4e38, -3.4e38, 16777217, ...Array.from({ length: 2000 }, () => (rng.next() - 0.5) * 10 ** (rng.int(20) - 10))];
    for (const x of values) {
      const lo = floorF32(x);
      const hi = ceilF32(x);
      const step = Math.abs(Math.fround(x)) * 2 ** -23 + 2 ** -149;
      expect(Math.fround(lo)).toBe(lo);
      expect(Math.fround(hi)).toBe(hi);
      expect(lo).toBeLessThanOrEqual(x);
      expect(hi).toBeGreaterThanOrEqual(x);
      expect(x - lo).toBeLessThanOrEqual(2 * step);
      expect(hi - x).toBeLessThanOrEqual(2 * step);
      if (Math.fround(x) === x) expect([lo, hi]).toEqual([x, x]);
    }
  });
});
