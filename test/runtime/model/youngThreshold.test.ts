import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { AdaptiveThresholder } from "../../../runtime/model/adaptiveThresholder";
import { Random } from "../../../runtime/model/random";
import { resolveOptions } from "../../../runtime/model/resolveOptions";
import { ThresholdedForest } from "../../../runtime/model/thresholdedForest";

/** A Student t with 3 degrees of freedom: noise with a heavy tail, as a container's metrics have. */
function heavy(rng: Random): number {
  const z = rng.normal();
  const chi2 = rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2;
  return z / Math.sqrt(chi2 / 3);
}

/**
 * 20 fresh containers of four metrics (CPU 20 %, memory 30 %, latency 50 ms, traffic 1,000, each with heavy-tailed
 * noise) over their first `steps` steps; with `hogAt`, CPU goes to 95 % for 10 steps there. Alerts outside the hog
 * are false.
 */
function youngServices(youngThresholdWeight: number, steps: number, hogAt = -1): { caught: number; falseAlerts: number } {
  let caught = 0;
  let falseAlerts = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const rng = new Random(900 + seed);
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 4, seed, youngThresholdWeight });
    let hit = false;
    for (let t = 0; t < steps; t++) {
      const row = [20 + 2 * heavy(rng), 30 + 0.5 * heavy(rng), 50 * Math.exp(0.1 * heavy(rng)), 1000 + 100 * heavy(rng)];
      const inHog = hogAt >= 0 && t >= hogAt && t < hogAt + 10;
      if (inHog) row[0] = 95 + 0.5 * rng.normal();
      const alert = d.process(row).alert;
      if (alert && hogAt >= 0 && t >= hogAt && t < hogAt + 15) hit = true;
      else if (alert) falseAlerts++;
    }
    if (hit) caught++;
  }
  return { caught, falseAlerts };
}

describe("youngThresholdWeight (a young threshold's raised z)", () => {
  it("is off in the shipped profile (measured, not adopted: docs/quality.md, session 67) and ends at 1,024 scores unless set", () => {
    expect(CONTAINER_DETECTOR.youngThresholdWeight).toBeUndefined();
    expect(resolveOptions({ ...CONTAINER_DETECTOR, inputs: 1 }).youngThresholdWeight).toBe(0);
    expect(resolveOptions({ ...CONTAINER_DETECTOR, inputs: 1 }).youngThresholdUntil).toBe(1_024);
  });

  it("cuts a young service's false alerts on heavy-tailed noise (20 services, 800 steps each: 11 without it, 7 with it)", () => {
    const without = youngServices(0, 800).falseAlerts;
    const withIt = youngServices(128, 800).falseAlerts;
    expect(without).toBeGreaterThanOrEqual(10);
    expect(withIt).toBeLessThanOrEqual(without - 3);
  });

  it("judges a step the young guard finds gross against the plain bar: a CPU hog 64, 100 and 150 steps in is raised as often as without it", () => {
    for (const at of [64, 100, 150]) expect(youngServices(128, at + 30, at).caught).toBe(youngServices(0, at + 30, at).caught);
  });

  it("costs a hog in a heavy-tailed service 300 steps in, past the guard's span (12 of 20 seeds without it, 4 with it): why it is off", () => {
    expect(youngServices(0, 330, 300).caught).toBe(12);
    expect(youngServices(128, 330, 300).caught).toBe(4);
  });

  it("raises the bar of a young detector only: its z is back at 6 once the threshold's scores weigh youngThresholdUntil", () => {
    const rng = new Random(9);
    const rows = Array.from({ length: 2_000 }, (_, t) => [20 + 2 * heavy(rng) + (t >= 1_700 && t < 1_710 ? 75 : 0), 30 + 0.5 * heavy(rng)]);
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 2, seed: 9, youngThresholdWeight: 128 });
    const zAt = new Map<number, number>();
    const alerts: number[] = [];
    rows.forEach((r, t) => {
      if (d.process(r).alert) alerts.push(t);
      // Scores weigh 1,024 after about 1,142 steps at the statistics' memory of 5,120.
      if ([300, 1_150, 1_999].includes(t)) zAt.set(t, AdaptiveThresholder.fromState(d.toState().thresholder).z());
    });
    expect(zAt.get(300)).toBeGreaterThan(6.5);
    expect(zAt.get(1_150)).toBe(6);
    expect(zAt.get(1_999)).toBe(6);
    expect(alerts.some((t) => t >= 1_700 && t < 1_715)).toBe(true);
  });

  it("is refused by name when negative or not finite, and a model saved before it keeps it off until retrained", () => {
    expect(() => resolveOptions({ inputs: 1, youngThresholdWeight: -1 })).toThrow(/youngThresholdWeight must be a finite number >= 0 \(0: off\), got -1/);
    expect(() => resolveOptions({ inputs: 1, youngThresholdWeight: Number.NaN })).toThrow(/youngThresholdWeight must be a finite number >= 0 \(0: off\), got NaN/);
    expect(() => resolveOptions({ inputs: 1, youngThresholdUntil: 0 })).toThrow(/youngThresholdUntil must be a finite number >= 1, got 0/);
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1, seed: 3 });
    for (let t = 0; t < 100; t++) d.process([t % 7]);
    const state = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1, seed: 3, youngThresholdWeight: 128 }).toState();
    expect(state.options.youngThresholdWeight).toBe(128);
    expect(state.thresholder.youngWeight).toBe(128);
    expect(d.toState().thresholder).not.toHaveProperty("youngWeight");
    const { youngThresholdWeight: _w, youngThresholdUntil: _u, ...olderOptions } = state.options;
    const { youngWeight: _tw, youngUntil: _tu, ...olderThresholder } = state.thresholder;
    const older = ThresholdedForest.fromState({ ...state, options: olderOptions as typeof state.options, thresholder: olderThresholder });
    expect(older.options.youngThresholdWeight).toBe(0);
    expect(older.toState().thresholder).not.toHaveProperty("youngWeight");
  });
});
