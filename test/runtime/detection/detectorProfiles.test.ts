import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest } from "../../../runtime/model/thresholdedForest";
import { resolveOptions } from "../../../runtime/model/resolveOptions";

const JITTERED = [2000, 2300, 2600];

/**
 * One metric with a job every 10 steps (a spike of about 1 over a floor of 0.05), which runs one step late at the
 * cycles starting at `JITTERED`: every value is one the metric has taken many times, only its timing is off.
 */
function tenStepJob(n: number, seed: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, t) => {
    const late = JITTERED.some((s) => t >= s && t < s + 10);
    const phase = t % 10;
    const spike = late ? phase === 1 : phase === 0;
    return [(spike ? 1 : 0.05) + 0.01 * rng.normal()];
  });
}

function run(minPeriod: number | undefined, seed: number): { alerts: number[]; seasonal: number[]; periods: number[] } {
  // The settings before (cycles from `minPeriod` steps) had no multiples of a cycle either: the late runs here recur
  // every 300 steps, which a multiple of the job's 10 would take as its cycle.
  const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, ...(minPeriod === undefined ? {} : { minPeriod, seasonalMultiples: false }), inputs: 1, seed });
  const alerts: number[] = [];
  const seasonal: number[] = [];
  tenStepJob(3000, seed).forEach((row, t) => {
    const det = d.process(row);
    if (det.alert) alerts.push(t);
    if (det.alert && det.seasonal) seasonal.push(t);
  });
  return { alerts, seasonal, periods: d.periods() };
}

describe("detector profiles", () => {
  it("look for cycles of 24 steps or more, whatever the number of metrics", () => {
    expect(resolveOptions({ ...CONTAINER_DETECTOR, inputs: 1 }).minPeriod).toBe(24);
    expect(resolveOptions({ ...CONTAINER_DETECTOR, inputs: 3 }).minPeriod).toBe(24);
  });

  it.each([1, 2, 3])("leave a 10-step cycle to the forest: a job running a step late is not a broken cycle (seed %i)", (seed) => {
    // With cycles from 4 steps on (the container settings before), the seasonal view locks on the job's period and
    // calls each late run a broken cycle.
    const before = run(4, seed);
    expect(before.periods).toEqual([10]);
    expect(before.seasonal.length).toBeGreaterThan(0);
    expect(before.seasonal.every((t) => JITTERED.some((s) => t >= s && t < s + 20))).toBe(true);
    // The shipped settings find no period in it, and nothing alerts once the forest has learnt the job.
    const shipped = run(undefined, seed);
    expect(shipped.periods).toEqual([0]);
    expect(shipped.alerts.filter((t) => t >= 1000)).toEqual([]);
  });
});

/** `k` metrics on a clean daily cycle (amplitude 10 around 50, each its own phase) with Gaussian noise. */
function dailyCycles(n: number, seed: number, k: number, noise: number): number[][] {
  const rng = new Random(seed);
  const phase = Array.from({ length: k }, () => 2 * Math.PI * rng.next());
  return Array.from({ length: n }, (_, t) => Array.from({ length: k }, (_, m) => 50 + 10 * Math.sin((2 * Math.PI * t) / 288 + phase[m]) + noise * rng.normal()));
}

describe("the container settings on clean daily cycles", () => {
  // One metric is the hard case: the forest (shingle 1) sees only the value, so noise at the cycle's peaks is rare
  // for it; the seasonal profile vouches for values that lie on it and moved there as the cycle does.
  it.each([
    [1, 1],
    [1, 2],
    [1, 3],
    [3, 1],
  ])("raise no alert over 15 days after 5 of learning (%i metric(s), seed %i)", (k, seed) => {
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: k, seed });
    const alerts = dailyCycles(20 * 288, seed, k, 1).flatMap((row, t) => (d.process(row).alert && t >= 5 * 288 ? [t] : []));
    expect(alerts).toEqual([]);
  });
});

describe("minPeriod", () => {
  it("defaults to two shingles, at least 4, and is checked against maxPeriod when set", () => {
    expect(resolveOptions({ inputs: 1, shingleSize: 1 }).minPeriod).toBe(4);
    expect(resolveOptions({ inputs: 1, shingleSize: 12 }).minPeriod).toBe(24);
    expect(resolveOptions({ inputs: 1, seasonal: true, minPeriod: 30 }).minPeriod).toBe(30);
    // The default never conflicts with a short maxPeriod (such a view simply finds no period, as before).
    expect(resolveOptions({ inputs: 1, shingleSize: 12, maxPeriod: 16 }).minPeriod).toBe(24);
    expect(() => resolveOptions({ inputs: 1, minPeriod: 600 })).toThrow("minPeriod (600) must not exceed maxPeriod (512)");
    expect(() => resolveOptions({ inputs: 1, minPeriod: 1 })).toThrow("minPeriod must be an integer >= 2, got 1");
    expect(() => resolveOptions({ inputs: 1, minPeriod: 2.5 })).toThrow(/minPeriod must be an integer/);
  });
});
