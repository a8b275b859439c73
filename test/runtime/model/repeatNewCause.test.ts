import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest, type Detection, type ThresholdedForestOptions } from "../../../runtime/model/thresholdedForest";

const base: ThresholdedForestOptions = { inputs: 2, numTrees: 30, sampleSize: 128, shingleSize: 4, seed: 5, repeatWindow: 30, repeatExtends: true, repeatEscalation: 3 };

/**
 * A wave and a level, then an incident that spreads: metric 0 spikes every 10 steps over 900–990, metric 1 over
 * 1000–1090, metric 0 again over 1100–1190; then quiet.
 */
function spreadingIncident(seed: number): number[][] {
  const rng = new Random(seed);
  const rows = Array.from({ length: 1400 }, (_, t) => [50 + 10 * Math.sin((2 * Math.PI * t) / 100) + rng.normal(), 200 + 2 * rng.normal()]);
  for (let t = 900; t < 1000; t += 10) rows[t][0] += 30;
  for (let t = 1000; t < 1100; t += 10) rows[t][1] += 60;
  for (let t = 1100; t < 1200; t += 10) rows[t][0] += 30;
  return rows;
}

const alerted = (ds: readonly Detection[], from = 0) => ds.filter((d) => d.alert && d.index >= from);
const mainMetric = (d: Detection) => (d.attribution === null ? -1 : d.attribution.indexOf(Math.max(...d.attribution)));

describe("repeatNewCause", () => {
  it.each([16, 17, 18])("raises an incident again once per metric it spreads to, naming that metric (seed %i)", (seed) => {
    const rows = spreadingIncident(seed);
    const plain = new ThresholdedForest(base);
    const withCause = new ThresholdedForest({ ...base, repeatNewCause: true });
    const once = alerted(rows.map((r) => plain.process(r)), 900);
    const perCause = alerted(rows.map((r) => withCause.process(r)), 900);
    // Without it, the incident alerts once, on metric 0.
    expect(once.map((d) => d.index)).toEqual([900]);
    // With it, it alerts again once metric 1 is the main cause of a step (a blip of metric 1 between metric 0's
    // spikes may be that step; seed 17), naming metric 1; metric 0's return (1100–1190) is not new, and stays quiet.
    expect(perCause[0].index).toBe(900);
    expect(mainMetric(perCause[0])).toBe(0);
    const later = perCause.slice(1);
    expect(later.length).toBeGreaterThan(0);
    expect(later.length).toBeLessThanOrEqual(2);
    expect(later.every((d) => d.index < 1100)).toBe(true);
    expect(mainMetric(later[0])).toBe(1);
  });

  it("changes nothing for a series of one metric", () => {
    const rng = new Random(3);
    const rows = Array.from({ length: 1400 }, (_, t) => [50 + 10 * Math.sin((2 * Math.PI * t) / 100) + rng.normal() + (t >= 900 && t < 1200 && t % 10 === 0 ? 30 : 0)]);
    const one = { ...base, inputs: 1 };
    const plain = new ThresholdedForest(one);
    const withCause = new ThresholdedForest({ ...one, repeatNewCause: true });
    expect(rows.map((r) => withCause.process(r))).toEqual(rows.map((r) => plain.process(r)));
  });

  it("keeps an incident's causes through the binary state and the schema, and continues exactly", () => {
    const rows = spreadingIncident(16);
    const d = new ThresholdedForest({ ...base, repeatNewCause: true });
    rows.slice(0, 1050).forEach((r) => d.process(r));
    const state = d.toState();
    expect(state.series?.incidentCauses).toEqual([0, 1]);
    const copy = ThresholdedForest.fromState(v.parse(thresholdedForestSchema, unpackState(packState(state))) as typeof state);
    expect(rows.slice(1050).map((r) => copy.process(r))).toEqual(rows.slice(1050).map((r) => d.process(r)));
  });

  it("reads a state saved before causes were kept as an incident with none, and refuses causes that name no metric", () => {
    const d = new ThresholdedForest({ ...base, repeatNewCause: true });
    spreadingIncident(16)
      .slice(0, 950)
      .forEach((r) => d.process(r));
    const state = d.toState();
    const series = state.series;
    if (series === undefined) throw new Error("the detector's own series was used");
    const { incidentCauses: _dropped, ...older } = series;
    expect(() => ThresholdedForest.fromState({ ...state, series: older })).not.toThrow();
    expect(() => ThresholdedForest.fromState({ ...state, series: { ...series, incidentCauses: [2] } })).toThrow(/incidentCauses must be distinct metric indexes below 2, got \[2\]/);
    expect(() => ThresholdedForest.fromState({ ...state, series: { ...series, incidentCauses: [1, 1] } })).toThrow(/incidentCauses/);
    expect(() => new ThresholdedForest({ inputs: 1, repeatNewCause: 1 as never })).toThrow(/repeatNewCause must be true or false/);
  });
});
