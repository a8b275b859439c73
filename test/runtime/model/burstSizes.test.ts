import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { BurstSizes } from "../../../runtime/model/burstSizes";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Random } from "../../../runtime/model/random";
import { ReplicaStream } from "../../../runtime/model/replicaStream";
import { ThresholdedForest } from "../../../runtime/model/thresholdedForest";

/** `steps` steps of metric 0 at `level` but for `level + size` every `every` steps, and metric 1 at 5. */
function learnt(steps: number, every: number, size: number, level = 0): BurstSizes {
  const b = new BurstSizes(2);
  for (let i = 1; i <= steps; i++) b.learn([level + (i % every === 0 ? size : 0), 5]);
  return b;
}

describe("what a replica's bursts usually are (BurstSizes)", () => {
  it("tolerates a multiple of a resting metric's usual burst size, once it has seen 100 steps and 3 bursts", () => {
    expect(learnt(99, 10, 50).tolerance(0, 60, 2)).toBe(0);
    expect(learnt(100, 10, 50).tolerance(0, 60, 2)).toBeCloseTo(100, 10);
    expect(learnt(100, 40, 50).tolerance(0, 60, 2)).toBe(0); // two bursts only
  });

  it("tolerates nothing at rest, with the option off, or for a metric that is not at rest on most steps", () => {
    const b = learnt(200, 10, 50);
    expect(b.tolerance(0, 0, 2)).toBe(0);
    expect(b.tolerance(0, 60, 0)).toBe(0);
    expect(b.tolerance(1, 6, 2)).toBe(0);
    // Bursts on a quarter of the steps: not a metric that rests.
    expect(learnt(200, 4, 50).tolerance(0, 60, 2)).toBe(0);
  });

  it("is the same wherever the metric rests (a gauge at 10,000 between its spikes, a counter at 0)", () => {
    expect(learnt(300, 10, 50, 10_000).tolerance(0, 10_060, 2)).toBeCloseTo(learnt(300, 10, 50).tolerance(0, 60, 2), 9);
    expect(learnt(300, 10, 50, 10_000).tolerance(0, 10_000, 2)).toBe(0);
  });

  it("follows the size of the last bursts", () => {
    const b = learnt(1000, 10, 50);
    // 1,024 bursts of 10 (four of the 256 bursts it averages over): twice the usual size is now near 20, not 100.
    for (let i = 1; i <= 10_240; i++) b.learn([i % 10 === 0 ? 10 : 0, 5]);
    expect(b.tolerance(0, 60, 2)).toBeGreaterThan(20);
    expect(b.tolerance(0, 60, 2)).toBeLessThan(22);
  });

  it("with a z, also tolerates exp(mean + z deviations) of the log burst sizes: a counter's routine larger bursts", () => {
    // Lognormal bursts around 10 (log spread 0.8) every 10 steps: the mean rule tolerates about 2 × 13.8, the log
    // sizes' tail at z 2 about exp(ln 10 + 1.6) ≈ 50.
    const rng = new Random(11);
    const b = new BurstSizes(2);
    for (let i = 1; i <= 20_001; i++) b.learn([i % 10 === 0 ? Math.exp(Math.log(10) + 0.8 * rng.normal()) : 0, 5]);
    const byMean = b.tolerance(0, 45, 2);
    expect(byMean).toBeGreaterThan(22);
    expect(byMean).toBeLessThan(34);
    expect(b.tolerance(0, 45, 2, 0)).toBe(byMean);
    const byLogs = b.tolerance(0, 45, 2, 2);
    expect(byLogs).toBeGreaterThan(40);
    expect(byLogs).toBeLessThan(62);
    expect(b.tolerance(0, 45, 2, 3)).toBeGreaterThan(byLogs);
    // Still nothing at rest, with the rule off, or for a metric that does not rest.
    expect(b.tolerance(0, 0, 2, 2)).toBe(0);
    expect(b.tolerance(0, 45, 0, 2)).toBe(0);
    expect(b.tolerance(1, 6, 2, 2)).toBe(0);
    // The tail is a lone burst's: right after a burst, the mean rule alone.
    b.learn([12, 5]);
    expect(b.tolerance(0, 45, 2, 2)).toBeCloseTo(b.tolerance(0, 45, 2, 0), 12);
    b.learn([0, 5]);
    expect(b.tolerance(0, 45, 2, 2)).toBeGreaterThan(40);
  });

  it("with a z, bursts all of one size tolerate the mean rule's multiple (no log spread, so the tail is the size)", () => {
    const b = learnt(1000, 10, 50);
    expect(b.tolerance(0, 60, 2, 2)).toBeCloseTo(100, 6);
    expect(b.tolerance(0, 60, 1, 2)).toBeCloseTo(50, 6);
  });

  it("round-trips its state, and refuses one that does not fit, naming the field", () => {
    const b = learnt(300, 10, 50);
    const s = b.toState();
    expect(BurstSizes.fromState(s, 2, "series").toState()).toEqual(s);
    expect(() => BurstSizes.fromState({ ...s, burstSteps: -1 }, 2, "series")).toThrow(/series: burstSteps must be an integer >= 0, got -1/);
    expect(() => BurstSizes.fromState({ ...s, restShare: Float64Array.of(0.9) }, 2, "series")).toThrow(/series: restShare holds 1 values, expected one per metric \(2\)/);
    expect(() => BurstSizes.fromState({ ...s, restShare: Float64Array.of(0.9, 1.5) }, 2, "series")).toThrow(/restShare must hold shares from 0 to 1/);
    expect(() => BurstSizes.fromState({ ...s, restValue: Float64Array.of(Number.NaN, 0) }, 2, "series")).toThrow(/restValue holds a value that is not a finite number/);
    expect(() => BurstSizes.fromState({ ...s, bursts: Float64Array.of(2.5, 0) }, 2, "series")).toThrow(/bursts must hold whole counts/);
    expect(() => BurstSizes.fromState({ ...s, burstLogVar: Float64Array.of(-1, 0) }, 2, "series")).toThrow(/series: burstLogVar must hold variances >= 0/);
    expect(() => BurstSizes.fromState({ ...s, burstLogMean: Float64Array.of(1) }, 2, "series")).toThrow(/series: burstLogMean holds 1 values, expected one per metric \(2\)/);
    const { burstLogVar: _v, ...halfLogs } = s;
    expect(() => BurstSizes.fromState(halfLogs, 2, "series")).toThrow(/series: burstLogMean and burstLogVar come together/);
  });

  it("a state saved before the log sizes starts them at the mean size's log, with no spread, and learns them from there", () => {
    const rng = new Random(4);
    const b = new BurstSizes(2);
    for (let i = 1; i <= 3001; i++) b.learn([i % 10 === 0 ? Math.exp(Math.log(10) + 0.8 * rng.normal()) : 0, 5]);
    const { burstLogMean: _m, burstLogVar: _v, ...older } = b.toState();
    const restored = BurstSizes.fromState(older, 2, "series");
    expect(restored.toState().burstLogMean?.[0]).toBeCloseTo(Math.log(older.burstSize[0]), 12);
    expect(restored.toState().burstLogVar?.[0]).toBe(0);
    // At first the log tail is the mean size itself, under the mean rule's twice it.
    expect(restored.tolerance(0, 45, 2, 2)).toBeCloseTo(2 * older.burstSize[0], 9);
    for (let i = 1; i <= 5001; i++) restored.learn([i % 10 === 0 ? Math.exp(Math.log(10) + 0.8 * rng.normal()) : 0, 5]);
    expect(restored.tolerance(0, 45, 2, 2)).toBeGreaterThan(40);
  });

  it("a replica saved before it learnt bursts starts learning them; one with part of them is refused", () => {
    const replica = new ReplicaStream(2, 0);
    replica.bursts.learn([0, 5]);
    const { burstSteps: _s, restValue: _r, lastValue: _l, restShare: _z, bursts: _n, burstSize: _b, ...older } = replica.toState();
    expect(_s).toBe(1);
    const restored = ReplicaStream.fromState(older, 2, 0, "series");
    expect(restored.toState()).not.toHaveProperty("burstSteps");
    restored.bursts.learn([0, 5]);
    expect(restored.toState()).toMatchObject({ burstSteps: 1, bursts: Float64Array.of(0, 0) });
    expect(() => ReplicaStream.fromState({ ...older, burstSteps: 3 }, 2, 0, "series")).toThrow(/series: burstSteps, restValue, lastValue, restShare, bursts and burstSize come together/);
  });

  it("in the detector: a counter's routine larger bursts stop alerting with usualBurstZ, a burst ten times the largest still alerts", () => {
    // An error counter at 0 that bursts on one step in 37 at random (no cycle for the seasonal view) to a lognormal
    // size around 10 (log spread 0.8: one in forty bursts past 50), beside a noisy gauge; at step 3,000 a burst of 1,500.
    const rng = new Random(21);
    const rows = Array.from({ length: 3200 }, (_, i) => [i === 3000 ? 1500 : rng.next() < 1 / 37 ? Math.exp(Math.log(10) + 0.8 * rng.normal()) : 0, 30 + rng.normal()]);
    const alertsAt = (z: number): number[] => {
      const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 2, seed: 21, usualBurstZ: z });
      return rows.flatMap((r, i) => (d.process(r).alert ? [i] : []));
    };
    const without = alertsAt(0).filter((i) => i >= 1000 && i !== 3000);
    const withZ = alertsAt(2).filter((i) => i >= 1000 && i !== 3000);
    expect(without.length).toBe(2); // bursts of 45 and 37, 13–14 deviations from the counter's 0
    expect(withZ).toEqual([]);
    expect(alertsAt(2)).toContain(3000);
    expect(() => new ThresholdedForest({ inputs: 1, usualBurstZ: -1 })).toThrow(/usualBurstZ must be a finite number >= 0 \(0: off\), got -1/);
  });

  it("in the detector with the rule off: nothing learnt, nothing saved, and the detector continues exactly", () => {
    const rng = new Random(5);
    const rows = Array.from({ length: 700 }, (_, i) => [i % 41 === 0 ? 50 : 0, 30 + rng.normal()]);
    const make = () => new ThresholdedForest({ ...CONTAINER_DETECTOR, ignoreNearUsualBursts: 0, inputs: 2, seed: 5 });
    const a = make();
    const b = make();
    rows.slice(0, 400).forEach((r) => [a, b].forEach((d) => d.process(r)));
    const state = b.toState();
    for (const field of ["burstSteps", "restValue", "lastValue", "restShare", "bursts", "burstSize"]) expect(state.series).not.toHaveProperty(field);
    const withRule = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 2, seed: 5 });
    rows.slice(0, 400).forEach((r) => withRule.process(r));
    expect(withRule.toState().series?.burstSteps).toBeGreaterThan(300);
    const c = ThresholdedForest.fromState(v.parse(thresholdedForestSchema, unpackState(packState(state))) as typeof state);
    for (const r of rows.slice(400)) expect(c.process(r)).toEqual(a.process(r));
    expect(c.toState().series).not.toHaveProperty("burstSteps");
  });

  it("in the detector: off in a model saved before the option (it keeps its behaviour until retrained); a bad multiple is refused by name", () => {
    const state = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1 }).toState();
    expect(state.options.ignoreNearUsualBursts).toBe(2);
    const { ignoreNearUsualBursts: _dropped, ...older } = state.options;
    expect(ThresholdedForest.fromState({ ...state, options: older as typeof state.options }).options.ignoreNearUsualBursts).toBe(0);
    expect(() => new ThresholdedForest({ inputs: 1, ignoreNearUsualBursts: -1 })).toThrow(/ignoreNearUsualBursts must be finite numbers >= 0/);
    expect(() => new ThresholdedForest({ inputs: 1, ignoreNearUsualBursts: Number.POSITIVE_INFINITY })).toThrow(/ignoreNearUsualBursts/);
  });

  it("in the detector: usualBurstZ is off in a model saved before the option (it keeps its behaviour until retrained); the profile ships 1.5", () => {
    const state = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1 }).toState();
    expect(state.options.usualBurstZ).toBe(1.5);
    const { usualBurstZ: _dropped, ...older } = state.options;
    expect(ThresholdedForest.fromState({ ...state, options: older as typeof state.options }).options.usualBurstZ).toBe(0);
    expect(() => new ThresholdedForest({ inputs: 1, usualBurstZ: Number.NaN })).toThrow(/usualBurstZ must be a finite number >= 0 \(0: off\), got NaN/);
  });

  it("in the detector: survives the binary codec and the state schema, and continues exactly", () => {
    const rng = new Random(3);
    const rows = Array.from({ length: 1600 }, (_, i) => [i % 53 === 0 ? 40 + 20 * rng.next() : 0, 30 + rng.normal()]);
    const a = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 2, seed: 3 });
    const b = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 2, seed: 3 });
    rows.slice(0, 1000).forEach((r) => [a, b].forEach((d) => d.process(r)));
    const state = b.toState();
    expect(state.series?.burstSteps).toBeGreaterThan(900);
    const c = ThresholdedForest.fromState(v.parse(thresholdedForestSchema, unpackState(packState(state))) as typeof state);
    for (const r of rows.slice(1000)) expect(c.process(r)).toEqual(a.process(r));
  });
});
