import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest, type Detection } from "../../../runtime/model/thresholdedForest";
import type { HoldMode, ThresholdedForestOptions } from "../../../runtime/model/thresholdedForestOptions";

const WARMUP = 3000;
const SD = [5, 3, 10, 1];

/**
 * Four container-like metrics (two correlated), seeded: `WARMUP` normal rows, then `shiftSteps` rows with every
 * metric `shift` of its deviations higher (a service-wide saturation), then normal rows; from step `faultAt`, five
 * rows with metric 2 `fault` deviations higher (a moderate fault of one metric).
 */
function rows(n: number, shiftSteps: number, shift: number, faultAt = -1, fault = 0): number[][] {
  const rng = new Random(1);
  return Array.from({ length: n }, (_, t) => {
    const c = rng.normal();
    const r = [50 + 5 * (0.6 * c + 0.8 * rng.normal()), 30 + 3 * (0.6 * c + 0.8 * rng.normal()), 200 + 10 * rng.normal(), 10 + rng.normal()];
    if (t >= WARMUP && t < WARMUP + shiftSteps) for (let m = 0; m < 4; m++) r[m] += shift * SD[m];
    if (faultAt >= 0 && t >= faultAt && t < faultAt + 5) r[2] += fault * SD[2];
    return r;
  });
}

/**
 * The container profile with anomalies kept out of the forest for an hour (`learnAnomalies: false`, 60
 * corrections; the shipped profile until 2026-12-03, which learns a confirmed anomaly as observed): the long
 * incident this opt-in option is about then stays anomalous for its whole hour. The statistics remember the
 * sample's 2,560 steps (`statisticsMemory: 0`, shipped until 2026-12-03): with the shipped 5,120 the hour raises
 * the threshold a day later by less than 15 %. The saturation moves all four metrics, so its fourth metric,
 * unnamed by the first alert, would alert again with `repeatNewCause` (shipped since 2026-12-04): off here, so the
 * incident's alerts count one. These tests hold at any age (`holdStatisticsUntil` 0, the default), the option as it
 * was built.
 */
const detector = (holdStatistics: number, holdStatisticsMode: HoldMode = "skip", holdStatisticsFrom = 1) =>
  new ThresholdedForest({ ...CONTAINER_DETECTOR, learnAnomalies: false, maxCorrections: 60, statisticsMemory: 0, repeatNewCause: false, inputs: 4, seed: 1, holdStatistics, holdStatisticsMode, holdStatisticsFrom, holdStatisticsUntil: 0 });
const alertsIn = (ds: readonly Detection[], from: number, to: number) => ds.slice(from, to).filter((d) => d.alert).map((d) => d.index);

describe("ThresholdedForest with held statistics (holdStatistics)", () => {
  // An hour of saturation (60 one-minute steps, every metric 8 deviations up), then a day (1,440 steps) later a
  // fault of one metric at 5 deviations for 5 steps.
  const FAULT = WARMUP + 60 + 1440;
  const data = rows(FAULT + 100, 60, 8, FAULT, 5);

  it("without it, an hour of saturation raises the threshold for a day and a later moderate fault goes unseen", () => {
    const d = detector(0);
    const ds = data.map((r) => d.process(r));
    const before = ds[WARMUP - 1].threshold;
    expect(alertsIn(ds, WARMUP, WARMUP + 60)).toEqual([WARMUP]);
    expect(ds[WARMUP + 60].threshold).toBeGreaterThan(1.4 * before);
    expect(ds[FAULT].threshold).toBeGreaterThan(1.15 * before);
    expect(alertsIn(ds, FAULT, FAULT + 10)).toEqual([]);
    expect(alertsIn(ds, 500, WARMUP)).toEqual([]);
  });

  it("with it, the threshold stays where it was and the later fault alerts", () => {
    const d = detector(60);
    const ds = data.map((r) => d.process(r));
    const before = ds[WARMUP].threshold;
    expect(alertsIn(ds, WARMUP, WARMUP + 60)).toEqual([WARMUP]);
    // Every step of the hour was graded anomalous, so none of its scores entered: the threshold did not move.
    expect(ds[WARMUP + 60].threshold).toBe(before);
    expect(ds[FAULT].threshold).toBeLessThan(1.05 * before);
    expect(alertsIn(ds, FAULT, FAULT + 10)).toHaveLength(1);
    expect(alertsIn(ds, 500, WARMUP)).toEqual([]);
  });

  it("in clip mode, the run's scores enter clipped at the threshold of its start: the rise is smaller, not gone", () => {
    const thresholds = (d: ThresholdedForest) => data.slice(0, WARMUP + 61).map((r) => d.process(r).threshold);
    const [off, clip, skip] = [thresholds(detector(0)), thresholds(detector(60, "clip")), thresholds(detector(60))];
    const start = off[WARMUP];
    expect(clip[WARMUP]).toBe(start);
    expect(clip[WARMUP + 60]).toBeLessThan(off[WARMUP + 60] - 0.2);
    expect(clip[WARMUP + 60]).toBeGreaterThan(skip[WARMUP + 60] + 0.2);
    const a = detector(60, "clip");
    data.slice(0, WARMUP + 30).forEach((r) => a.process(r));
    const state = a.toState();
    expect(state.heldThreshold).toBe(start);
    const b = ThresholdedForest.fromState(unpackState(packState(state)) as typeof state);
    for (const r of data.slice(WARMUP + 30, WARMUP + 120)) expect(b.process(r)).toEqual(a.process(r));
    expect(() => ThresholdedForest.fromState({ ...state, heldThreshold: undefined })).toThrow(/held is 30 but the held threshold is undefined/);
    expect(() => new ThresholdedForest({ inputs: 1, holdStatisticsMode: "freeze" as HoldMode })).toThrow(/holdStatisticsMode must be "skip" or "clip", got "freeze"/);
  });

  it("from a later step of the run, a blip's scores enter as usual and the long run is still held", () => {
    const blip = rows(WARMUP + 200, 3, 8);
    const thresholds = (d: ThresholdedForest, xs: readonly number[][]) => xs.map((r) => d.process(r).threshold);
    expect(thresholds(detector(60, "skip", 4), blip)).toEqual(thresholds(detector(0), blip));
    const d = detector(60, "skip", 4);
    const ds = data.map((r) => d.process(r));
    const before = ds[WARMUP].threshold;
    expect(ds[WARMUP + 60].threshold).toBeGreaterThan(before);
    expect(ds[WARMUP + 60].threshold).toBeLessThan(1.05 * before);
    expect(alertsIn(ds, FAULT, FAULT + 10)).toHaveLength(1);
    expect(() => new ThresholdedForest({ inputs: 1, holdStatisticsFrom: 0 })).toThrow(/holdStatisticsFrom must be an integer >= 1, got 0/);
  });

  it("still learns a lasting change of regime: after the cap the scores enter, and the new level stops being graded", () => {
    const lasting = rows(6000, 3000, 8);
    const d = detector(60);
    const ds = lasting.map((r) => d.process(r));
    const before = ds[WARMUP].threshold;
    expect(ds[WARMUP + 60].threshold).toBe(before);
    expect(ds[WARMUP + 100].threshold).toBeGreaterThan(1.2 * before);
    expect(ds.slice(WARMUP, WARMUP + 60).every((x) => x.grade > 0)).toBe(true);
    expect(ds.slice(WARMUP + 300).filter((x) => x.grade > 0)).toEqual([]);
    expect(alertsIn(ds, WARMUP, 6000)).toEqual([WARMUP]);
  });

  it("keeps the run in its state, continues exactly after a round trip, and refuses bad values", () => {
    const a = detector(60);
    data.slice(0, WARMUP + 30).forEach((r) => a.process(r));
    const state = a.toState();
    expect(state.held).toBe(30);
    expect(v.parse(thresholdedForestSchema, unpackState(packState(state))).held).toBe(30);
    const b = ThresholdedForest.fromState(unpackState(packState(state)) as typeof state);
    for (const r of data.slice(WARMUP + 30, WARMUP + 200)) expect(b.process(r)).toEqual(a.process(r));
    expect(b.toState().held).toBeUndefined();
    expect(() => ThresholdedForest.fromState({ ...state, held: -1 })).toThrow(/held must be an integer >= 0, got -1/);
    expect(() => new ThresholdedForest({ inputs: 1, holdStatistics: 1.5 })).toThrow(/holdStatistics must be an integer >= 0, got 1.5/);
    expect(() => new ThresholdedForest({ inputs: 1, holdStatistics: -1 })).toThrow(/holdStatistics must be an integer >= 0/);
  });

  it("holds only the anomalous series' scores of a step: the others still enter", () => {
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 4, seed: 1, holdStatistics: 60, holdStatisticsUntil: 0 });
    const a = d.newSeries();
    const b = d.newSeries();
    const one = rows(WARMUP + 60, 60, 8);
    const other = rows(WARMUP + 60, 0, 0).map((r) => r.map((x) => x + 0.01));
    const steps = one.map((r, t) => d.processStep([{ series: a, values: r }, { series: b, values: other[t] }]));
    expect(d.toState().held).toBe(60);
    expect(steps.slice(WARMUP).every(([x, y]) => x.grade > 0 && y.grade === 0)).toBe(true);
    // Replica b's scores kept entering (and the statistics kept ageing), so the threshold moved.
    expect(d.processStep([{ series: a, values: other[0] }, { series: b, values: other[1] }])[0].threshold).not.toBe(steps[WARMUP][0].threshold);
  });
});

describe("ThresholdedForest holding only young statistics (holdStatisticsUntil)", () => {
  /** The candidate of docs/quality.md session 53 (measured, not shipped). */
  const YOUNG_HOLD = { holdStatistics: 12, holdStatisticsUntil: 1024 };
  const AT = 110;
  /**
   * A young service (seeded): three metrics, normal for `AT` steps, then metric 0 at 90 for 10 steps where it
   * sits at 50 with a deviation of 1 (a 40-deviation excursion), then normal again.
   */
  const young = (seed: number) => {
    const rng = new Random(100 + seed);
    return Array.from({ length: AT + 40 }, (_, t) => [t >= AT && t < AT + 10 ? 90 + rng.normal() : 50 + rng.normal(), 1000 + 10 * rng.normal(), 3]);
  };
  const alertsOnFault = (options: Partial<ThresholdedForestOptions>) => {
    let found = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 3, seed, ...options });
      if (alertsIn(young(seed).map((r) => d.process(r)), AT, AT + 10).length > 0) found++;
    }
    return found;
  };

  it("alerts on a young service's first fault that otherwise raises its own bar: 110 steps in, in at least 15 of 20 seeds against at most 8", () => {
    // With the unclipped forest (forestClip 0, as when the option was measured): without the hold the excursion's
    // first step is graded below 0.5, its score enters the young statistics and raises the threshold by a tenth, the
    // second step barely passes it, the third does not: never 3 of 4.
    expect(CONTAINER_DETECTOR.holdStatistics ?? 0).toBe(0); // the shipped profile holds nothing
    expect(alertsOnFault({ ...YOUNG_HOLD, forestClip: 0 })).toBeGreaterThanOrEqual(15);
    expect(alertsOnFault({ forestClip: 0 })).toBeLessThanOrEqual(8);
    // The shipped, clipped forest scores the excursion's steps higher and raises it without the hold.
    expect(alertsOnFault({})).toBeGreaterThanOrEqual(18);
  });

  it("holds nothing once the statistics rest on the given number of scores, and at any age with 0", () => {
    const detections = (options: Partial<ThresholdedForestOptions>) => {
      const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 3, seed: 2, ...options });
      return young(2).map((r) => d.process(r));
    };
    const off = detections({});
    expect(detections({ ...YOUNG_HOLD, holdStatisticsUntil: 1 })).toEqual(off);
    expect(detections({ ...YOUNG_HOLD, holdStatisticsUntil: 0 })).toEqual(detections({ ...YOUNG_HOLD, holdStatisticsUntil: 1e9 }));
    expect(detections(YOUNG_HOLD)).not.toEqual(off);
    // On the saturation hour above (3,000 warm-up steps) a hold that ends at 1,024 scores is long over: the same as none.
    const thresholds = (options: Partial<ThresholdedForestOptions>) => {
      const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 4, seed: 1, ...options });
      return rows(WARMUP + 100, 60, 8).slice(1100).map((r) => d.process(r).threshold);
    };
    expect(thresholds(YOUNG_HOLD)).toEqual(thresholds({}));
  });

  it("keeps the option through the state schema and the binary codec and continues exactly; refuses a bad value", () => {
    const a = new ThresholdedForest({ ...CONTAINER_DETECTOR, ...YOUNG_HOLD, inputs: 3, seed: 3 });
    const data = young(3);
    data.slice(0, AT + 2).forEach((r) => a.process(r));
    const state = v.parse(thresholdedForestSchema, unpackState(packState(a.toState())));
    expect(state.options.holdStatisticsUntil).toBe(1024);
    const b = ThresholdedForest.fromState(state as ReturnType<ThresholdedForest["toState"]>);
    for (const r of data.slice(AT + 2)) expect(b.process(r)).toEqual(a.process(r));
    expect(() => new ThresholdedForest({ inputs: 1, holdStatisticsUntil: -1 })).toThrow(/holdStatisticsUntil must be an integer >= 0, got -1/);
    expect(() => new ThresholdedForest({ inputs: 1, holdStatisticsUntil: 2.5 })).toThrow(/holdStatisticsUntil must be an integer >= 0, got 2.5/);
  });
});
