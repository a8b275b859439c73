import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest, type Detection, type ThresholdedForestOptions } from "../../../runtime/model/thresholdedForest";

const base: ThresholdedForestOptions = { inputs: 5, numTrees: 30, sampleSize: 128, shingleSize: 4, seed: 5, repeatWindow: 30, repeatExtends: true, repeatEscalation: 3 };

/**
 * Five noisy metrics, then an incident that spreads: metrics 0, 1 and 2 spike together every 10 steps over
 * 900–990 (the first alert names them), metric 4 alone over 1000–1090, metric 1 alone over 1100–1190; then quiet.
 */
function spreadingIncident(seed: number): number[][] {
  const rng = new Random(seed);
  const rows = Array.from({ length: 1400 }, (_, t) => [50 + 10 * Math.sin((2 * Math.PI * t) / 100) + rng.normal(), 200 + 2 * rng.normal(), 20 + rng.normal(), 5 + rng.normal(), 80 + 2 * rng.normal()]);
  for (let t = 900; t < 1000; t += 10) for (const [m, sd] of [[0, 1], [1, 2], [2, 1]]) rows[t][m] += 30 * sd;
  for (let t = 1000; t < 1100; t += 10) rows[t][4] += 60;
  for (let t = 1100; t < 1200; t += 10) rows[t][1] += 60;
  return rows;
}

const alerted = (ds: readonly Detection[], from = 0) => ds.filter((d) => d.alert && d.index >= from);
const mainMetric = (d: Detection) => (d.attribution === null ? -1 : d.attribution.indexOf(Math.max(...d.attribution)));

describe("repeatNewCause", () => {
  it.each([1, 2, 3])("raises an incident again when a metric its alerts did not name becomes the main cause (seed %i)", (seed) => {
    const rows = spreadingIncident(seed);
    const plain = new ThresholdedForest(base);
    const withCause = new ThresholdedForest({ ...base, repeatNewCause: true });
    const plainRun = rows.map((r) => plain.process(r));
    const once = alerted(plainRun, 900);
    const perCause = alerted(rows.map((r) => withCause.process(r)), 900);
    // The scenario needs the incident to start as one: no noise alert within the repeat window before it (a noise
    // alert names three of the five metrics, and an incident it opened would have named metric 4 already).
    expect(alerted(plainRun, 870).filter((d) => d.index < 900)).toEqual([]);
    // Without it, the incident alerts once, on one of the three metrics that spike first.
    expect(once.map((d) => d.index)).toEqual([900]);
    expect([0, 1, 2]).toContain(mainMetric(once[0]));
    // With it, again once metric 4 takes over, naming it; metric 1's return was named by the first alert: quiet.
    expect(perCause[0].index).toBe(900);
    const later = perCause.slice(1);
    expect(later.some((d) => d.index >= 1000 && d.index < 1100 && mainMetric(d) === 4)).toBe(true);
    expect(later.length).toBeLessThanOrEqual(2);
    expect(later.every((d) => d.index < 1100)).toBe(true);
  });

  it("counts an alert's three largest attributions as named: the incident's first alert names the three metrics that spike", () => {
    const rows = spreadingIncident(1);
    const d = new ThresholdedForest({ ...base, repeatNewCause: true });
    rows.slice(0, 901).forEach((r) => d.process(r));
    expect([...(d.toState().series?.incidentCauses ?? [])].sort()).toEqual([0, 1, 2]);
  });

  it("changes nothing for a series of one metric", () => {
    const rng = new Random(3);
    const rows = Array.from({ length: 1400 }, (_, t) => [50 + 10 * Math.sin((2 * Math.PI * t) / 100) + rng.normal() + (t >= 900 && t < 1200 && t % 10 === 0 ? 30 : 0)]);
    const one = { ...base, inputs: 1 };
    const plain = new ThresholdedForest(one);
    const withCause = new ThresholdedForest({ ...one, repeatNewCause: true });
    expect(rows.map((r) => withCause.process(r))).toEqual(rows.map((r) => plain.process(r)));
  });

  it("keeps an incident's named metrics through the binary state and the schema, and continues exactly", () => {
    const rows = spreadingIncident(1);
    const d = new ThresholdedForest({ ...base, repeatNewCause: true });
    rows.slice(0, 1050).forEach((r) => d.process(r));
    const state = d.toState();
    const causes = state.series?.incidentCauses ?? [];
    expect(causes).toContain(4);
    expect(new Set(causes).size).toBe(causes.length);
    const copy = ThresholdedForest.fromState(v.parse(thresholdedForestSchema, unpackState(packState(state))) as typeof state);
    expect(rows.slice(1050).map((r) => copy.process(r))).toEqual(rows.slice(1050).map((r) => d.process(r)));
  });

  it("reads a state saved before as an incident with no named metrics (and, without the option, as off), and refuses causes that name no metric", () => {
    const d = new ThresholdedForest({ ...base, repeatNewCause: true });
    spreadingIncident(1)
      .slice(0, 950)
      .forEach((r) => d.process(r));
    const state = d.toState();
    const series = state.series;
    if (series === undefined) throw new Error("the detector's own series was used");
    const { incidentCauses: _dropped, ...older } = series;
    expect(() => ThresholdedForest.fromState({ ...state, series: older })).not.toThrow();
    // A state saved before the option existed keeps deciding as it did: the option reads as off.
    const { repeatNewCause: _absent, ...olderOptions } = state.options;
    expect(ThresholdedForest.fromState({ ...state, options: olderOptions as typeof state.options }).toState().options.repeatNewCause).toBe(false);
    expect(() => ThresholdedForest.fromState({ ...state, series: { ...series, incidentCauses: [5] } })).toThrow(/incidentCauses must be distinct metric indexes below 5, got \[5\]/);
    expect(() => ThresholdedForest.fromState({ ...state, series: { ...series, incidentCauses: [1, 1] } })).toThrow(/incidentCauses/);
    expect(() => new ThresholdedForest({ inputs: 1, repeatNewCause: 1 as never })).toThrow(/repeatNewCause must be true or false/);
  });
});
