import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Random } from "../../../runtime/model/random";
import { ReplicaStream } from "../../../runtime/model/replicaStream";
import { ThresholdedForest, type Detection, type ThresholdedForestOptions } from "../../../runtime/model/thresholdedForest";

/**
 * `pulseMinSteps` / `pulseMaxSteps` (thresholdedForestOptions.ts): a step scored above the threshold that takes a
 * metric sharply back across the midpoint of a sharp change the other way 5 to 12 steps before, the metric having
 * stayed beyond it in between, alerts without waiting for confirmation.
 */
describe("ReplicaStream.pulseEnds", () => {
  const UP = Int8Array.of(1);
  const DOWN = Int8Array.of(-1);
  const NONE = Int8Array.of(0);

  /** A stream that saw `before` and then jumped to `level` at step `at` with a sharp change scored above the threshold. */
  function jumped(before: number, level: number, at: number, metrics = 1, sign = UP): ReplicaStream {
    const r = new ReplicaStream(metrics, 0);
    r.inputs.previous.fill(before);
    r.inputs.seen = 1;
    expect(r.pulseEnds(at, Array(metrics).fill(level), sign, true, 5, 12)).toBe(0);
    r.inputs.previous.fill(level);
    return r;
  }

  /** Steps `from`..`to` − 1 at `level`, none scored above the threshold; true if any ended a pulse. */
  function hold(r: ReplicaStream, level: number, from: number, to: number): boolean {
    let ended = false;
    for (let i = from; i < to; i++) ended = r.pulseEnds(i, [level], NONE, false, 5, 12) > 0 || ended;
    return ended;
  }

  /** A jump from 5 to 8 at step 10, held until step 10 + `back` − 1; what the step at 10 + `back` with `value` says. */
  function comeBack(back: number, value: number, sign: Int8Array, above = true): { ends: number; r: ReplicaStream } {
    const r = jumped(5, 8, 10);
    hold(r, 8, 11, 10 + back);
    return { ends: r.pulseEnds(10 + back, [value], sign, above, 5, 12), r };
  }

  it("ends a pulse when the level comes back 5 to 12 steps after it jumped, having stayed there", () => {
    // It returns how many steps the pulse lasted.
    for (const back of [5, 8, 12]) expect(comeBack(back, 5, DOWN).ends).toBe(back);
    // A dip is a pulse too.
    const dip = jumped(5, 2, 10, 1, DOWN);
    expect(hold(dip, 2, 11, 18)).toBe(false);
    expect(dip.pulseEnds(18, [5], UP, true, 5, 12)).toBe(8);
  });

  it("leaves a blip that comes back sooner, and a level that stays away longer, to confirmation", () => {
    expect(comeBack(3, 5, DOWN).ends).toBe(0);
    const long = comeBack(13, 5, DOWN);
    expect(long.ends).toBe(0);
    // The jump at step 10 is forgotten; the drop at 23 may start a dip of its own.
    expect(long.r.edges.map((e) => e.index)).toEqual([23]);
  });

  it("forgets an edge whose level sags back across the midpoint before the return", () => {
    const r = jumped(5, 8, 10);
    hold(r, 8, 11, 14);
    hold(r, 6, 14, 15); // below the midpoint 6.5
    expect(r.edges).toEqual([]);
    hold(r, 8, 15, 18);
    expect(r.pulseEnds(18, [5], DOWN, true, 5, 12)).toBe(0);
  });

  it("needs the return scored above the threshold, sharp, opposite, and on the same metric", () => {
    // Signs left over from another step are not read on a step that did not score above the threshold.
    const quiet = comeBack(8, 5, DOWN, false);
    expect(quiet.ends).toBe(0);
    expect(quiet.r.edges).toEqual([]);
    expect(comeBack(8, 5, NONE).ends).toBe(0);
    expect(comeBack(8, 11, UP).ends).toBe(0);
    // Metric 0 jumped; metric 1 comes back from somewhere else.
    const r = new ReplicaStream(2, 0);
    r.inputs.previous.set([5, 5]);
    r.inputs.seen = 1;
    r.pulseEnds(10, [8, 5], Int8Array.of(1, 0), true, 5, 12);
    r.inputs.previous.set([8, 5]);
    for (let i = 11; i < 18; i++) r.pulseEnds(i, [8, 5], Int8Array.of(0, 0), false, 5, 12);
    r.inputs.previous.set([8, 9]);
    expect(r.pulseEnds(18, [8, 2], Int8Array.of(0, -1), true, 5, 12)).toBe(0);
  });
});

/**
 * The rule in the detector, with an external scorer so that which steps score above the threshold is given: 2,000
 * quiet steps (a metric at 5 ± 0.3, scores 1 ± 0.1), then the metric at 8 for `length` steps, the steps where it
 * jumps and where it comes back scored 1.9 (above the threshold of about 1.6, graded about 0.3: below the 0.5 that
 * alerts at once, and 2 anomalous steps of the 4 that confirmation needs 3 of).
 */
function detect(seed: number, length: number, options: Partial<ThresholdedForestOptions>, sag = false) {
  const rng = new Random(seed);
  const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1, seed, scorer: "external", ...options });
  const alerts: number[] = [];
  const detections: Detection[] = [];
  const values: number[] = [];
  for (let i = 0; i < 2040; i++) {
    const inPulse = i >= 2000 && i < 2000 + length;
    const value = (inPulse ? (sag && i === 2002 ? 6 : 8) : 5) + 0.3 * rng.normal();
    const score = i === 2000 || i === 2000 + length ? 1.9 : 1 + 0.1 * rng.normal();
    const x = d.process([value], score);
    detections.push(x);
    values.push(value);
    if (x.alert) alerts.push(i);
  }
  return { alerts, d, detections, values };
}

const PULSE = { pulseMinSteps: 5, pulseMaxSteps: 12 };
const OFF = { pulseMaxSteps: 0 };

it("the shipped profile looks for pulses of 5 to 12 steps", () => {
  expect(CONTAINER_DETECTOR).toMatchObject(PULSE);
});

describe("pulses in the detector", () => {
  it.each([1, 2, 3])("alerts where an 8-step level jump comes back, and not without the option (seed %i)", (seed) => {
    const { alerts, detections, values } = detect(seed, 8, PULSE);
    expect(alerts).toEqual([2008]);
    // The alert says it ends an 8-step pulse, and where the metric stood at the pulse's last step.
    expect(detections[2008].pulse).toBe(8);
    expect(detections[2008].pulseLevels).toEqual([values[2007]]);
    expect(detections.filter((d) => d.pulse !== undefined || d.pulseLevels !== undefined).length).toBe(1);
    expect(detect(seed, 8, OFF).alerts).toEqual([]);
  });

  it.each([1, 2, 3])("leaves a 3-step blip, a 20-step level and a pulse that sagged back to confirmation (seed %i)", (seed) => {
    expect(detect(seed, 3, PULSE).alerts).toEqual([]);
    expect(detect(seed, 20, PULSE).alerts).toEqual([]);
    expect(detect(seed, 8, PULSE, true).alerts).toEqual([]);
  });

  it.each([1, 2, 3])("learns as it would without the option: every step scores the same (seed %i)", (seed) => {
    // A level that wanders over a day, with 8-step bumps of 1.5 (5 noise deviations) every 300 steps. The forest is
    // unclipped (forestClip 0): clipped, at seed 3 it raises none of the bumps, so the option would go unexercised.
    const a = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1, seed, forestClip: 0 });
    const b = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1, seed, forestClip: 0, ...OFF });
    const rng = new Random(seed);
    let pulses = 0;
    for (let i = 0; i < 3000; i++) {
      const value = 4.5 + 2.5 * Math.sin((2 * Math.PI * i) / 1440) + 0.3 * rng.normal() + (i % 300 >= 250 && i % 300 < 258 ? 1.5 : 0);
      const x = a.process([value]);
      const y = b.process([value]);
      if (x.pulse !== undefined) pulses++;
      expect([x.score, x.threshold]).toEqual([y.score, y.threshold]);
      // Only the alert differs (and so the likelihood an alert is raised to).
      if (x.pulse === undefined) expect([x.alert, x.likelihood]).toEqual([y.alert, y.likelihood]);
    }
    // The option did raise a pulse here (the end of the bump at step 558, 2,358 or 2,958), and the forest and statistics went on exactly alike.
    expect(pulses).toBe(1);
  });

  it("survives the binary codec and the state schema mid-pulse, and continues exactly", () => {
    const { d: whole } = detect(5, 8, PULSE);
    const rng = new Random(5);
    const a = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1, seed: 5, scorer: "external", ...PULSE });
    const steps = Array.from({ length: 2040 }, (_, i) => {
      const value = (i >= 2000 && i < 2008 ? 8 : 5) + 0.3 * rng.normal();
      return { value, score: i === 2000 || i === 2008 ? 1.9 : 1 + 0.1 * rng.normal() };
    });
    steps.slice(0, 2004).forEach((s) => a.process([s.value], s.score));
    const state = a.toState();
    expect(state.series?.edgeIndex).toEqual(Float64Array.of(2000));
    const b = ThresholdedForest.fromState(v.parse(thresholdedForestSchema, unpackState(packState(state))) as typeof state);
    const rest = steps.slice(2004);
    const alerts = rest.map((s) => b.process([s.value], s.score)).flatMap((x) => (x.alert ? [x.index] : []));
    expect(alerts).toEqual([2008]);
    expect(rest.map((s) => a.process([s.value], s.score).alert)).toEqual(rest.map((_, i) => alerts.includes(2004 + i)));
    expect(whole.options.pulseMaxSteps).toBe(12);
  });

  it("is off in a state saved before the option, and refuses bad values by name", () => {
    const state = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1, ...PULSE }).toState();
    const { pulseMinSteps: _min, pulseMaxSteps: _max, ...older } = state.options;
    expect(ThresholdedForest.fromState({ ...state, options: older as typeof state.options }).options.pulseMaxSteps).toBe(0);
    expect(() => new ThresholdedForest({ inputs: 1, pulseMinSteps: 0, pulseMaxSteps: 12 })).toThrow(/pulseMinSteps \(0\) must be from 1 to pulseMaxSteps \(12\)/);
    expect(() => new ThresholdedForest({ inputs: 1, pulseMinSteps: 13, pulseMaxSteps: 12 })).toThrow(/pulseMinSteps \(13\) must be from 1 to pulseMaxSteps \(12\)/);
    expect(() => new ThresholdedForest({ inputs: 1, pulseMinSteps: 5, pulseMaxSteps: 65 })).toThrow(/pulseMaxSteps must be at most 64, got 65/);
    expect(() => new ThresholdedForest({ inputs: 1, pulseMinSteps: 2.5, pulseMaxSteps: 12 })).toThrow(/pulseMinSteps must be an integer >= 0, got 2.5/);
  });

  it("refuses a saved stream whose pulse edges do not fit its metrics", () => {
    const s = new ReplicaStream(2, 0).toState();
    expect(() => ReplicaStream.fromState({ ...s, edgeIndex: Float64Array.of(3), edgeSigns: Float64Array.of(1), edgeMidpoints: Float64Array.of(0, 0) }, 2, 0, "series")).toThrow(/series: 1 pulse edges need 2 change signs and midpoints, got 1 and 2/);
    expect(() => ReplicaStream.fromState({ ...s, edgeIndex: Float64Array.of(3), edgeSigns: Float64Array.of(2, 0), edgeMidpoints: Float64Array.of(0, 0) }, 2, 0, "series")).toThrow(/change signs of -1, 0 or 1/);
  });
});
