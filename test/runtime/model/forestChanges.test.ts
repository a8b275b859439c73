import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { newSeriesInputs, Preprocessor } from "../../../runtime/model/preprocessor";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest, type ThresholdedForestOptions } from "../../../runtime/model/thresholdedForest";
import { CONTAINER_DETECTOR, type DetectorProfile } from "../../../runtime/detection/detectorProfiles";
import { SHINGLED_SERIES } from "../../helpers/shingledSeries";

/** A daily curve at 5-minute steps (range 100, noise 0.5) with spikes of `size` at `spikes`. */
function dailyWithSpikes(days: number, seed: number, spikes: readonly number[], size: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: 288 * days }, (_, t) => 100 + 50 * Math.sin((2 * Math.PI * t) / 288) + 0.5 * rng.normal() + (spikes.includes(t) ? size : 0));
}

/** Steps after the first five days at which the detector alerted. */
function alertsOn(xs: readonly number[], options: ThresholdedForestOptions): number[] {
  const d = new ThresholdedForest(options);
  const out: number[] = [];
  xs.forEach((x, t) => {
    if (d.process([x]).alert && t >= 288 * 5) out.push(t);
  });
  return out;
}

describe("Preprocessor.changes", () => {
  it("writes each metric's change normalised by the changes' running statistics, times the weight", () => {
    const p = new Preprocessor("normalize", 2, 1 / 100);
    const s = newSeriesInputs(2);
    const out = new Float64Array(4);
    // Before the series' second step (and before the statistics have two steps) the change is 0.
    p.changes([5, 1], out, 2, s);
    expect(Array.from(out.subarray(2))).toEqual([0, 0]);
    const rng = new Random(3);
    for (let t = 0; t < 300; t++) p.update([5 + t + rng.normal(), 1 + 0.1 * rng.normal()], s);
    const last = Float64Array.from(s.previous);
    p.changes([last[0] + 9, last[1]], out, 2, s);
    const weighted = new Float64Array(4);
    p.changes([last[0] + 9, last[1]], weighted, 2, s, 0.25);
    // A change of 9 where the usual change is about 1 ± 1.4: several of its deviations.
    expect(out[2]).toBeGreaterThan(3);
    expect(weighted[2]).toBeCloseTo(0.25 * out[2], 12);
    expect(out[0]).toBe(0);
    expect(Math.abs(out[3])).toBeLessThan(1);
  });
});

describe("ThresholdedForest with forestChanges", () => {
  const spikes = [288 * 10 + 40, 288 * 11 + 150, 288 * 12 + 100, 288 * 13 + 200];
  const options = (profile: DetectorProfile, seed: number, forestChanges: number): ThresholdedForestOptions => ({ ...profile, inputs: 1, seed, forestChanges });

  it.each([1, 2, 3])("container settings: alerts on a spike small against a daily curve's range but large against its changes, where the values alone do not (seed %i)", (seed) => {
    // A spike of 6 on a curve of range 100 with noise 0.5: 6 % of the range, 12 of the noise's deviations.
    const xs = dailyWithSpikes(14, seed, spikes, 6);
    expect(alertsOn(xs, options(CONTAINER_DETECTOR, seed, 0))).toEqual([]);
    const found = alertsOn(xs, options(CONTAINER_DETECTOR, seed, CONTAINER_DETECTOR.forestChanges ?? 0));
    // Each alert at a spike or the step after it; at least three of the four found.
    expect(found.every((t) => spikes.some((s) => t - s >= 0 && t - s <= 1))).toBe(true);
    expect(found.length).toBeGreaterThanOrEqual(3);
  });

  it("a 12-step shingled series: find more of the spikes of 12 (12 % of the range) with the changes than without, seeds 1-3", () => {
    let withChanges = 0;
    let without = 0;
    for (const seed of [1, 2, 3]) {
      const xs = dailyWithSpikes(14, seed, spikes, 12);
      const a = alertsOn(xs, options(SHINGLED_SERIES, seed, SHINGLED_SERIES.forestChanges ?? 0));
      const b = alertsOn(xs, options(SHINGLED_SERIES, seed, 0));
      // No false alert either way: every alert is at a spike or the step after it (the 12-step shingle often sees it then).
      for (const t of [...a, ...b]) expect(spikes.some((s) => t - s >= 0 && t - s <= 1)).toBe(true);
      withChanges += a.length;
      without += b.length;
    }
    // Measured: 7 of 12 against 1 of 12 (spikes of 15 and more are found either way).
    expect(withChanges).toBeGreaterThanOrEqual(6);
    expect(without).toBeLessThanOrEqual(2);
  });

  it("raises no alert on the same curve without spikes", () => {
    const xs = dailyWithSpikes(14, 7, [], 0);
    for (const profile of [CONTAINER_DETECTOR, SHINGLED_SERIES]) expect(alertsOn(xs, options(profile, 7, profile.forestChanges ?? 0))).toEqual([]);
  });

  it("grades a three-metric row by the change of the metric that jumped and names it, summing its value and change coordinates", () => {
    const stepAt = (forestChanges: number) => {
      const rng = new Random(5);
      const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 3, seed: 5, forestChanges });
      let at = null;
      for (let t = 0; t <= 288 * 7 + 30; t++) {
        const row = [100 + 50 * Math.sin((2 * Math.PI * t) / 288) + 0.5 * rng.normal(), 20 + rng.normal(), 5 + 0.2 * rng.normal()];
        if (t === 288 * 7 + 30) row[0] += 12;
        at = d.process(row);
      }
      return at;
    };
    // 12 on a curve of range 100: the values alone do not make the row anomalous, its change does.
    expect(stepAt(0)?.grade).toBe(0);
    const graded = stepAt(CONTAINER_DETECTOR.forestChanges ?? 0);
    expect(graded?.grade).toBeGreaterThan(0);
    const attribution = graded?.attribution ?? [];
    expect(attribution).toHaveLength(3);
    expect(attribution[0]).toBeGreaterThan(10 * (attribution[1] + attribution[2]));
  });

  it("round-trips its state and continues exactly; a state of the other width is refused", () => {
    const xs = dailyWithSpikes(8, 4, [288 * 7 + 10], 6);
    const a = new ThresholdedForest(options(SHINGLED_SERIES, 4, 0.15));
    for (const x of xs.slice(0, 288 * 6)) a.process([x]);
    const state = unpackState(packState(a.toState())) as ReturnType<ThresholdedForest["toState"]>;
    const b = ThresholdedForest.fromState(state);
    for (const x of xs.slice(288 * 6)) expect(b.process([x])).toEqual(a.process([x]));
    expect(() => ThresholdedForest.fromState({ ...state, options: { ...state.options, forestChanges: 0 } })).toThrow(/forest has 24 dimensions, options imply 12/);
  });

  it("leaves an external model's detector as it was: no forest to see the changes, the same detections and state size", () => {
    const xs = dailyWithSpikes(6, 9, [288 * 5 + 20], 30);
    const rng = new Random(9);
    const scores = xs.map((_, t) => 1 + 0.2 * rng.normal() + (t === 288 * 5 + 20 ? 5 : 0));
    const run = (forestChanges: number) => {
      const d = new ThresholdedForest({ ...SHINGLED_SERIES, inputs: 1, seed: 9, scorer: "external", forestChanges });
      d.calibrate(1, 0.2);
      return { detections: xs.map((x, t) => d.process([x], scores[t])), state: JSON.stringify(d.toState()).length };
    };
    const without = run(0);
    const withChanges = run(SHINGLED_SERIES.forestChanges ?? 0);
    expect(withChanges.detections).toEqual(without.detections);
    expect(without.detections.some((d) => d.alert)).toBe(true);
    // The state differs only in the recorded option (its history holds values alone either way).
    expect(Math.abs(withChanges.state - without.state)).toBeLessThan(10);
  });

  it("rejects a negative or non-finite weight, naming the option", () => {
    for (const bad of [-0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ThresholdedForest({ ...SHINGLED_SERIES, inputs: 1, forestChanges: bad })).toThrow(/forestChanges must be a finite number >= 0/);
    }
  });
});
