import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Random } from "../../../runtime/model/random";
import { regularChain } from "../../../runtime/model/replicaStream";
import { ThresholdedForest, type Detection, type ThresholdedForestOptions } from "../../../runtime/model/thresholdedForest";

/**
 * `recurrenceRegular` (thresholdedForestOptions.ts): only a spike that comes back on a schedule (a job) is withheld
 * as a recurrence; the same spike coming back at random times keeps alerting. Seeded series, three seeds each.
 */
describe("regularChain", () => {
  it("counts the similar alerts on one interval back from the alert", () => {
    expect(regularChain(1152, [288, 576, 864])).toBe(3);
    expect(regularChain(1152, [864, 0, 576, 288])).toBe(4);
    // A job's start varies by a few steps: within 2 steps or 2 % of the interval.
    expect(regularChain(1153, [0, 289, 575, 866])).toBe(4);
    // A run that did not alert leaves a gap of two intervals.
    expect(regularChain(1152, [0, 288, 864])).toBe(3);
    // A similar alert off the schedule is skipped, and the chain goes on behind it.
    expect(regularChain(864, [0, 288, 400, 576])).toBe(3);
  });

  it("does not count alerts that came back at random times, or none", () => {
    // Gaps 305, 286, 112, 173 (one of nab-dev's files): only the nearest is on "its" interval.
    expect(regularChain(876, [0, 173, 285, 571])).toBe(1);
    // Off by 3 steps of a 100-step interval: beyond both 2 steps and 2 %.
    expect(regularChain(300, [103, 200])).toBe(1);
    expect(regularChain(300, [])).toBe(0);
  });
});

const base: Partial<ThresholdedForestOptions> = { numTrees: 30, sampleSize: 128, shingleSize: 4, recurrenceHorizon: 1000, recurrenceCount: 2 };
/** Eight returns of the same spike: every 90 steps, or at gaps between 61 and 128 steps, no two sums of them on one interval. */
const REGULAR = Array.from({ length: 8 }, (_, k) => 700 + 90 * k);
const RANDOM = [61, 117, 75, 103, 66, 128, 84].reduce((starts, gap) => [...starts, starts[starts.length - 1] + gap], [700]);

/** Two noisy metrics; at each start, metric 1 jumps by 30 for one step. */
function rows(seed: number, starts: readonly number[]): number[][] {
  const rng = new Random(seed);
  const xs = Array.from({ length: 1600 }, (_, t) => [50 + 10 * Math.sin((2 * Math.PI * t) / 100) + rng.normal(), 200 + 2 * rng.normal()]);
  for (const t of starts) xs[t][1] += 30;
  return xs;
}

const run = (xs: readonly number[][], o: Partial<ThresholdedForestOptions>): Detection[] => {
  const d = new ThresholdedForest({ ...base, inputs: 2, seed: 5, ...o });
  return xs.map((x) => d.process(x));
};
const withheld = (ds: readonly Detection[]) => ds.flatMap((d, t) => (d.recurrence === true ? [t] : []));
const spikeAlerts = (ds: readonly Detection[], starts: readonly number[]) => starts.filter((t) => ds.slice(t, t + 2).some((d) => d.alert));

describe.each([1, 2, 3])("recurrenceRegular, seed %i", (seed) => {
  it("withholds a spike that returns on a schedule, as before", () => {
    const xs = rows(seed, REGULAR);
    const regular = run(xs, { recurrenceRegular: true });
    expect(withheld(regular).length).toBeGreaterThan(0);
    expect(regular.map((d) => d.alert)).toEqual(run(xs, {}).map((d) => d.alert));
  });

  it("keeps alerting on the same spike returning at random times", () => {
    const xs = rows(seed, RANDOM);
    const any = run(xs, {});
    const regular = run(xs, { recurrenceRegular: true });
    // Without the option the later returns are withheld; with it none is, and every return the forest still grades alerts.
    expect(withheld(any).length).toBeGreaterThan(0);
    expect(withheld(regular)).toEqual([]);
    expect(spikeAlerts(regular, RANDOM).length).toBeGreaterThan(spikeAlerts(any, RANDOM).length);
    for (const t of withheld(any)) expect(regular[t].alert).toBe(true);
  });
});

describe("recurrenceRegular settings", () => {
  it("is off by default and in states saved before it, and must be a boolean", () => {
    expect(new ThresholdedForest({ inputs: 1 }).options.recurrenceRegular).toBe(false);
    const d = new ThresholdedForest({ ...base, inputs: 1, recurrenceRegular: true });
    d.process([1]);
    const state = d.toState();
    expect(ThresholdedForest.fromState(state).options.recurrenceRegular).toBe(true);
    const { recurrenceRegular: _dropped, ...older } = state.options;
    expect(ThresholdedForest.fromState({ ...state, options: older as typeof state.options }).options.recurrenceRegular).toBe(false);
    expect(() => new ThresholdedForest({ inputs: 1, recurrenceRegular: "yes" as never })).toThrow(/recurrenceRegular must be true or false, got yes/);
  });

  it("survives the binary codec and the state schema the detect Lambda's state goes through, and continues exactly", () => {
    const xs = rows(1, REGULAR);
    const a = new ThresholdedForest({ ...base, inputs: 2, seed: 5, recurrenceRegular: true });
    xs.slice(0, 1000).forEach((x) => a.process(x));
    const state = a.toState();
    const b = ThresholdedForest.fromState(v.parse(thresholdedForestSchema, unpackState(packState(state))) as typeof state);
    expect(b.options.recurrenceRegular).toBe(true);
    const rest = xs.slice(1000);
    expect(rest.map((x) => b.process(x))).toEqual(rest.map((x) => a.process(x)));
  });
});
