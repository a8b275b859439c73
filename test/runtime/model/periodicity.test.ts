import { describe, expect, it } from "vitest";
import { autocorrelation, centred, detectPeriod } from "../../../runtime/model/periodicity";
import { Random } from "../../../runtime/model/random";

/** A noisy cycle of `period` steps: a sine of amplitude 10 plus normal noise of sd `noise`. */
function cycle(n: number, period: number, seed: number, noise = 1): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / period) + noise * rng.normal());
}

describe("detectPeriod", () => {
  it.each([1, 2, 3])("finds the period of a noisy cycle (seed %i)", (seed) => {
    const found = detectPeriod(cycle(600, 96, seed), { maxPeriod: 200 });
    expect(found?.period).toBeGreaterThanOrEqual(95);
    expect(found?.period).toBeLessThanOrEqual(97);
    expect(found?.strength).toBeGreaterThan(0.9);
  });

  it("finds the period of a square wave and of a train of spikes", () => {
    const square = Array.from({ length: 500 }, (_, t) => (t % 50 < 25 ? 1 : 5));
    expect(detectPeriod(square, { maxPeriod: 100 })).toEqual({ period: 50, strength: 1 });
    const spikes = Array.from({ length: 500 }, (_, t) => (t % 40 === 7 ? 10 : 0));
    expect(detectPeriod(spikes, { maxPeriod: 100 })?.period).toBe(40);
  });

  it("gives the fundamental period, not a multiple of it", () => {
    expect(detectPeriod(cycle(2000, 30, 4), { maxPeriod: 200 })?.period).toBe(30);
  });

  it("finds no period in noise, a random walk, a trend or a constant", () => {
    const rng = new Random(5);
    const noise = Array.from({ length: 1500 }, () => rng.normal());
    let level = 0;
    const walk = Array.from({ length: 1500 }, () => (level += rng.normal()));
    const trend = Array.from({ length: 1500 }, (_, t) => 0.1 * t + rng.normal());
    for (const values of [noise, walk, trend, new Array<number>(1500).fill(7)]) expect(detectPeriod(values, { maxPeriod: 500 })).toBeNull();
  });

  it("finds no period in a weak cycle buried in noise", () => {
    expect(detectPeriod(cycle(1500, 96, 6, 10), { maxPeriod: 500 })).toBeNull();
  });

  it("needs minCycles whole cycles of data", () => {
    const values = cycle(250, 96, 7, 0.1);
    expect(detectPeriod(values, { maxPeriod: 200 })).toBeNull();
    expect(detectPeriod(values, { maxPeriod: 200, minCycles: 2 })?.period).toBe(96);
  });
});

describe("autocorrelation", () => {
  it("is 1 one period later and -1 half a period later", () => {
    const x = centred(cycle(400, 40, 8, 0));
    expect(autocorrelation(x, 40)).toBeCloseTo(1, 6);
    expect(autocorrelation(x, 20)).toBeCloseTo(-1, 6);
    expect(autocorrelation(x, 0)).toBe(0);
    expect(autocorrelation(x, 399)).toBe(0);
  });
});
