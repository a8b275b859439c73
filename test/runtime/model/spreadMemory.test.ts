import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { newSeriesInputs, Preprocessor } from "../../../runtime/model/preprocessor";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest, type Detection, type ThresholdedForestOptions } from "../../../runtime/model/thresholdedForest";
import { SHINGLED_SERIES } from "../../helpers/shingledSeries";

/**
 * A metric at zero most of the time (a queue, an error count): a burst of ten steps near 100 every 20,000 steps (far rarer than the recent statistics' memory) and
 * a blip of 1–3 every 1,500 or so; `extra` sets single values at their steps.
 */
function bursty(n: number, seed: number, extra: readonly [number, number][] = []): number[] {
  const rng = new Random(seed);
  const xs = new Array<number>(n).fill(0);
  for (let t = 200 + Math.floor(rng.next() * 250); t < n; t += 1_300 + Math.floor(rng.next() * 400)) xs[t] = 1 + 2 * rng.next();
  for (let t = 1_000; t + 10 < n; t += 20_000) for (let k = 0; k < 10; k++) xs[t + k] = 90 + 20 * rng.next();
  for (const [t, size] of extra) xs[t] = size;
  return xs;
}

const long25k = { discount: 1 / 25_600, fromChanges: false };

const feed = (p: Preprocessor, xs: readonly number[]) => {
  const s = newSeriesInputs(1);
  for (const x of xs) p.update([x], s);
};

describe("Preprocessor spread memory", () => {
  it("keeps a sparse metric's spikes in its spread long after the recent spread has forgotten them", () => {
    const xs = bursty(30_000, 3);
    const recent = new Preprocessor("normalize", 1, 1 / 2560);
    const long = new Preprocessor("normalize", 1, 1 / 2560, undefined, long25k);
    feed(recent, xs);
    feed(long, xs);
    // 9,000 steps after the last burst (step 21,000) the recent spread has forgotten most of them, the long one has not.
    expect(long.deviation(0)).toBeGreaterThan(2 * recent.deviation(0));
    expect(recent.deviation(0)).toBeGreaterThan(0);
    // The transform itself is the same: only the spread changes.
    const a = new Float64Array(1);
    const b = new Float64Array(1);
    recent.transform([2], a, newSeriesInputs(1));
    long.transform([2], b, newSeriesInputs(1));
    expect(b[0]).toBe(a[0]);
  });

  it("is never below the recent spread", () => {
    const rng = new Random(9);
    const p = new Preprocessor("normalize", 1, 1 / 100, undefined, { discount: 1 / 10_000, fromChanges: false });
    const s = newSeriesInputs(1);
    for (let t = 0; t < 3_000; t++) {
      // Quiet for 2,000 steps, then ten times as noisy: the recent spread grows first.
      p.update([(t < 2_000 ? 1 : 10) * rng.normal()], s);
      const recent = new Preprocessor("normalize", 1, 0, { ...p.toState(), longLevel: undefined, longChange: undefined });
      expect(p.deviation(0)).toBeGreaterThanOrEqual(recent.deviation(0));
    }
  });

  it("round-trips its long-run statistics, starts them from the recent ones for an older state, and drops them when off", () => {
    const xs = bursty(5_000, 4);
    const p = new Preprocessor("normalize", 1, 1 / 2560, undefined, long25k);
    feed(p, xs);
    const state = p.toState();
    expect(state.longLevel).toHaveLength(1);
    expect(state.longChange).toHaveLength(1);
    const back = Preprocessor.fromState(state, long25k);
    expect(back.deviation(0)).toBe(p.deviation(0));
    expect(back.toState()).toEqual(state);

    // A state written before the spread had a longer memory: the long-run statistics start as the recent ones.
    const older = { ...state, longLevel: undefined, longChange: undefined };
    const upgraded = Preprocessor.fromState(older, long25k);
    expect(upgraded.deviation(0)).toBeCloseTo(Preprocessor.fromState(older).deviation(0), 12);
    expect(upgraded.toState().longLevel?.[0][0]).toBe(1 / 25_600);

    // Switched off: the state's long-run statistics are dropped, the spread is the recent one.
    const off = Preprocessor.fromState(state);
    expect(off.toState().longLevel).toBeUndefined();
    expect(off.deviation(0)).toBe(Preprocessor.fromState(older).deviation(0));

    expect(() => Preprocessor.fromState({ ...state, longLevel: [] }, long25k)).toThrow(/expected 1 entries in longLevel/);
    expect(() => new Preprocessor("normalize", 1, 0.01, undefined, { discount: 1, fromChanges: false })).toThrow(/discount must be in \[0, 1\)/);
  });
});

describe("ThresholdedForest with spreadMemory", () => {
  // The memory alone: the spread of the values (spreadFromChanges is measured below).
  // The usual-bursts tolerance off: it too spares such blips (burstSizes.test.ts); here the spread memory alone is judged.
  const options = (spreadMemory: number): ThresholdedForestOptions => ({ ...SHINGLED_SERIES, inputs: 1, numTrees: 12, sampleSize: 128, seed: 11, spreadMemory, spreadFromChanges: false, ignoreNearUsualBursts: 0 });
  const run = (xs: readonly number[], o: ThresholdedForestOptions): Detection[] => {
    const d = new ThresholdedForest(o);
    return xs.map((x) => d.process([x]));
  };

  it("stops alerting on small spikes of a metric at zero that has always had them, still alerts on a spike 100 times their size", () => {
    const xs = bursty(60_000, 5, [[56_500, 400]]);
    const blips = (ds: Detection[]) => ds.filter((d) => d.alert && d.index >= 10_000 && xs[d.index] < 10).map((d) => d.index);
    const recentOnly = run(xs, options(0));
    const withMemory = run(xs, options(25_600));
    // With the recent spread alone, blip after blip is "many deviations" off between bursts; with the longer memory
    // none is, while the bursts and the spike of 400 still alert.
    expect(blips(recentOnly).length).toBeGreaterThanOrEqual(3);
    expect(blips(withMemory)).toEqual([]);
    for (const ds of [recentOnly, withMemory]) {
      expect(ds[56_500].alert).toBe(true);
      expect(ds[41_000].alert).toBe(true);
    }
  });

  it("rejects a bad spreadMemory and round-trips its state, continuing exactly", () => {
    expect(() => new ThresholdedForest({ ...options(0.5) })).toThrow(/spreadMemory must be 0 .* or a finite number >= 1, got 0.5/);
    const xs = bursty(4_000, 6, [[3_500, 300]]);
    const a = new ThresholdedForest(options(25_600));
    for (const x of xs.slice(0, 2_000)) a.process([x]);
    const b = ThresholdedForest.fromState(unpackState(packState(a.toState())) as ReturnType<ThresholdedForest["toState"]>);
    for (const x of xs.slice(2_000)) expect(b.process([x])).toEqual(a.process([x]));
  });
});

describe("spreadFromChanges", () => {
  it("measures a smooth metric by its step-to-step changes, a noisy one as before", () => {
    const rng = new Random(2);
    const smooth = new Preprocessor("normalize", 1, 1 / 2560, undefined, { discount: 1 / 25_600, fromChanges: true });
    const noisy = new Preprocessor("normalize", 1, 1 / 2560, undefined, { discount: 1 / 25_600, fromChanges: true });
    feed(smooth, Array.from({ length: 5_000 }, (_, t) => Math.sin((2 * Math.PI * t) / 1_440) + 0.01 * rng.normal()));
    feed(noisy, Array.from({ length: 5_000 }, () => rng.normal()));
    // A daily curve at 1-minute steps: its values spread about 0.7, its changes about 0.014.
    expect(smooth.deviation(0)).toBeGreaterThan(0.6);
    expect(smooth.spread(0)).toBeLessThan(0.03);
    // Noise changes more from step to step (√2 times) than it spreads: the spread is the values' deviation.
    expect(noisy.spread(0)).toBe(noisy.deviation(0));
    // Off: the spread is the deviation whatever the metric.
    const off = Preprocessor.fromState(smooth.toState(), { discount: 1 / 25_600, fromChanges: false });
    expect(off.spread(0)).toBe(off.deviation(0));
  });

  it.each([1, 2, 3])("alerts on a jump of 1.7 deviations on a smooth daily curve that the values' spread calls near (seed %i)", (seed) => {
    const rng = new Random(seed);
    const xs = Array.from({ length: 8_000 }, (_, t) => Math.sin((2 * Math.PI * t) / 1_440) + 0.01 * rng.normal());
    xs[7_000] += 1.2;
    const alertsWith = (fromChanges: boolean) => {
      const d = new ThresholdedForest({ ...SHINGLED_SERIES, inputs: 1, numTrees: 30, seed: 11, spreadFromChanges: fromChanges });
      return xs.flatMap((x, t) => (d.process([x]).alert && t > 1_000 ? [t] : []));
    };
    expect(alertsWith(false)).toEqual([]);
    expect(alertsWith(true)).toEqual([7_000]);
  });
});
