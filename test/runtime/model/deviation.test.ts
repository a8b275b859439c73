import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Deviation } from "../../../runtime/model/deviation";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest } from "../../../runtime/model/thresholdedForest";

/** The discounted mean and variance computed directly from the weights, for comparison. */
function direct(xs: readonly number[], discount: number): { mean: number; sd: number } {
  let w = 0;
  let s = 0;
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const wi = (1 - discount) ** (n - 1 - i);
    w += wi;
    s += wi * xs[i];
  }
  const mean = s / w;
  let v = 0;
  for (let i = 0; i < n; i++) v += (1 - discount) ** (n - 1 - i) * (xs[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(v / w) };
}

describe("Deviation", () => {
  it("gives the discounted mean and standard deviation of the values", () => {
    const rng = new Random(3);
    const xs = Array.from({ length: 2_000 }, () => 500 + 20 * rng.normal());
    const d = new Deviation(1 / 300);
    for (const x of xs) d.update(x);
    const want = direct(xs, 1 / 300);
    expect(d.mean()).toBeCloseTo(want.mean, 9);
    expect(d.deviation()).toBeCloseTo(want.sd, 9);
    expect(d.offset(530)).toBeCloseTo(530 - want.mean, 9);
    expect(d.fromOffset(d.offset(530))).toBeCloseTo(530, 9);
  });

  it("holds a metric that never changes exactly, wherever it sits: its mean, a deviation of 0, each step 0 off", () => {
    // With plain sums of the values a constant 10,000 at this memory had a mean some 10^-12 off and a nonzero
    // deviation: that rounding reached the forest as distinct points (session 51).
    for (const level of [0, 0.134, 45, 10_000, 10_000.134, 123_456.5, 5.24288e8, -7.5]) {
      const d = new Deviation(1 / 5_120);
      for (let t = 0; t < 5_000; t++) {
        d.update(level);
        expect(d.offset(level)).toBe(0);
      }
      expect(d.mean()).toBe(level);
      expect(d.deviation()).toBe(0);
      expect(d.fromOffset(0)).toBe(level);
    }
  });

  it("measures from the first value: a stream moved by a constant has the same offsets and deviation", () => {
    // Values that are multiples of 1/8 move exactly, so the two streams' distances from their first value are equal.
    const rng = new Random(9);
    const xs = Array.from({ length: 3_000 }, (_, t) => (t % 500 < 400 ? 0 : Math.round(rng.next() * 800) / 8));
    const a = new Deviation(1 / 1_000);
    const b = new Deviation(1 / 1_000);
    for (const x of xs) {
      a.update(x);
      b.update(x + 10_000);
      expect(b.offset(x + 10_000)).toBe(a.offset(x));
      expect(b.offset(10_050)).toBe(a.offset(50));
      expect(b.deviation()).toBe(a.deviation());
    }
  });

  it("weighs replicas sharing a step: decay once, add each with its share", () => {
    const d = new Deviation(0.01);
    const e = new Deviation(0.01);
    for (let t = 0; t < 100; t++) {
      d.decay();
      d.add(10 + t, 0.5);
      d.add(20 + t, 0.5);
      e.update(15 + t);
    }
    expect(d.mean()).toBeCloseTo(e.mean(), 9);
    expect(d.weight).toBeCloseTo(e.weight, 12);
    expect(d.deviation()).toBeGreaterThan(e.deviation());
  });

  it("is calibrated exactly: the mean given, the deviation given, a step at the mean 0 off", () => {
    const d = new Deviation(1 / 2_560);
    d.calibrate(10_000.25, 3, 2_560);
    expect(d.mean()).toBe(10_000.25);
    expect(d.deviation()).toBeCloseTo(3, 12);
    expect(d.offset(10_000.25)).toBe(0);
    expect(() => d.calibrate(Number.NaN, 1, 1)).toThrow(/finite mean/);
  });

  it("survives its state exactly, and reads a state written before the reference (four numbers) as reference 0", () => {
    const d = new Deviation(1 / 100);
    for (let t = 0; t < 300; t++) d.update(10_000 + (t % 7));
    const s = d.toState();
    expect(s).toHaveLength(5);
    const r = Deviation.fromState(s);
    for (const x of [9_990, 10_003, 10_020]) {
      r.update(x);
      d.update(x);
    }
    expect(r.toState()).toEqual(d.toState());

    // A state of the plain sums: weight 2, sum 20, sum of squares 208 (values 8 and 12 at discount 0).
    const old = Deviation.fromState([0, 2, 20, 208]);
    expect(old.mean()).toBe(10);
    expect(old.deviation()).toBe(2);
    expect(old.toState()).toEqual([0, 2, 20, 208]);
    const zero = new Deviation(0.1);
    zero.update(0);
    expect(zero.toState()).toHaveLength(4);
  });

  it("keeps its reference through a detector's stored state, whose schema takes 4 or 5 numbers and no other count", () => {
    const d = new ThresholdedForest({ inputs: 1, numTrees: 5, sampleSize: 32, seed: 1 });
    for (let t = 0; t < 50; t++) d.process([10_000 + (t % 3)]);
    const stored = unpackState(packState(d.toState())) as { preprocessor: { level: number[][] } };
    expect(stored.preprocessor.level[0]).toHaveLength(5);
    expect(stored.preprocessor.level[0][4]).toBe(10_000);
    expect(v.safeParse(thresholdedForestSchema, stored).success).toBe(true);
    const six = { ...stored, preprocessor: { ...stored.preprocessor, level: [[...stored.preprocessor.level[0], 1]] } };
    const bad = v.safeParse(thresholdedForestSchema, six);
    expect(bad.success).toBe(false);
    expect(bad.issues?.[0].path?.map((p) => p.key)).toEqual(["preprocessor", "level", 0]);
  });

  it("rejects a state that is not 4 or 5 finite numbers, saying what it got", () => {
    for (const bad of [[0, 1, 2], [0, 1, 2, 3, 4, 5], [0, 1, Number.NaN, 3]]) {
      expect(() => Deviation.fromState(bad)).toThrow(/deviation state must be 4 or 5 finite numbers, got/);
    }
  });
});
