import { describe, expect, it } from "vitest";
import { eventCounts, prf } from "../../../runtime/evaluation/labelledMetrics";
import { addOnsetCounts, DEFAULT_ONSET, onsetCounts, onsetMetrics } from "../../../runtime/evaluation/onsetMetrics";

/** `n` steps, alerting at the given indices. */
const alertsAt = (n: number, at: readonly number[]) => Array.from({ length: n }, (_, i) => at.includes(i));
/** `n` steps, labelled 1 on the given inclusive ranges. */
const labelsOn = (n: number, ranges: readonly [number, number][]) => Array.from({ length: n }, (_, i) => (ranges.some(([a, b]) => i >= a && i <= b) ? 1 : 0));

describe("onset metrics", () => {
  it("counts the first alerting step of a series as an onset (the start counts as quiet)", () => {
    const c = onsetCounts(alertsAt(20, [1]), labelsOn(20, []), { gap: 5, tolerance: 0 });
    expect(c).toEqual({ onsets: 1, hits: 0, runs: 0, runsFound: 0, steps: 20 });
  });

  it("counts an alert as a new onset only after at least `gap` quiet steps", () => {
    const labels = labelsOn(30, []);
    // Alerts at 2, then 6 (3 quiet steps: same episode), then 12 (5 quiet steps: new onset), then 16 (3 quiet).
    const alerts = alertsAt(30, [2, 6, 12, 16]);
    expect(onsetCounts(alerts, labels, { gap: 5, tolerance: 0 }).onsets).toBe(2);
    expect(onsetCounts(alerts, labels, { gap: 3, tolerance: 0 }).onsets).toBe(4);
    expect(onsetCounts(alerts, labels, { gap: 6, tolerance: 0 }).onsets).toBe(1);
    // gap 1: every alerting step after a non-alerting one starts an episode.
    expect(onsetCounts(alertsAt(10, [3, 4, 5, 7]), labelsOn(10, []), { gap: 1, tolerance: 0 }).onsets).toBe(2);
  });

  it("counts an onset inside a labelled run, or at most `tolerance` steps after its end, as a hit", () => {
    const labels = labelsOn(40, [[10, 14]]);
    for (const [at, tolerance, hit] of [
      [10, 0, 1], // the run's first step
      [14, 0, 1], // its last step
      [15, 0, 0], // one step after, no tolerance
      [17, 3, 1], // 3 steps after the end, tolerance 3
      [18, 3, 0], // 4 steps after
    ] as const) {
      const c = onsetCounts(alertsAt(40, [at]), labels, { gap: 5, tolerance });
      expect({ at, tolerance, hits: c.hits, runsFound: c.runsFound }).toEqual({ at, tolerance, hits: hit, runsFound: hit });
    }
  });

  it("does not count an onset just before a labelled run as a hit, nor its continuation into the run as a second onset", () => {
    const labels = labelsOn(40, [[10, 14]]);
    const c = onsetCounts(alertsAt(40, [8, 9, 10, 11, 12]), labels, { gap: 5, tolerance: 5 });
    expect(c).toEqual({ onsets: 1, hits: 0, runs: 1, runsFound: 0, steps: 40 });
    expect(onsetMetrics(c).falsePer1000).toBeCloseTo(25, 10); // 1 false onset in 40 steps
  });

  it("computes precision, recall, F1 and false onsets per 1,000 steps from summed counts", () => {
    const labels = labelsOn(100, [[10, 14], [50, 54]]);
    // Onsets at 12 (hit, finds run 1), 30 (false), 70 (false); run 2 missed.
    const a = onsetCounts(alertsAt(100, [12, 13, 30, 70]), labels);
    const b = onsetCounts(alertsAt(100, []), labels);
    const m = onsetMetrics(addOnsetCounts(a, b));
    expect(m).toMatchObject({ onsets: 3, hits: 1, runs: 4, runsFound: 1, steps: 200 });
    expect(m.precision).toBeCloseTo(1 / 3, 10);
    expect(m.recall).toBeCloseTo(1 / 4, 10);
    expect(m.f1).toBeCloseTo((2 * (1 / 3) * (1 / 4)) / (1 / 3 + 1 / 4), 10);
    expect(m.falsePer1000).toBeCloseTo(10, 10);
    expect(onsetMetrics(onsetCounts([], []))).toMatchObject({ precision: 0, recall: 0, f1: 0, falsePer1000: 0, runPrecision: 0, runF1: 0 });
  });

  it("run F1 counts each found run once: alerting again inside a run already found raises precision, not run F1", () => {
    // One long labelled run (steps 100-399) and one false onset at 600; the first detector alerts once in the run,
    // the second again every 51 steps while it lasts (a repeat window that ends 50 steps after the last alert).
    const labels = labelsOn(1000, [[100, 399]]);
    const once = onsetMetrics(onsetCounts(alertsAt(1000, [100, 600]), labels));
    const again = onsetMetrics(onsetCounts(alertsAt(1000, [100, 151, 202, 253, 304, 355, 600]), labels));
    expect(once).toMatchObject({ onsets: 2, hits: 1, runsFound: 1, precision: 0.5, recall: 1, runPrecision: 0.5 });
    expect(again).toMatchObject({ onsets: 7, hits: 6, runsFound: 1, recall: 1, runPrecision: 0.5 });
    expect(again.precision).toBeCloseTo(6 / 7, 10);
    expect(again.f1).toBeGreaterThan(once.f1 + 0.2);
    expect(again.runF1).toBe(once.runF1);
    expect(once.runF1).toBeCloseTo(2 / 3, 10);
    // Without false onsets, run precision is 1; without onsets or runs, both are 0 as precision and F1 are.
    expect(onsetMetrics(onsetCounts(alertsAt(1000, [100]), labels))).toMatchObject({ runPrecision: 1, runF1: 1 });
    expect(onsetMetrics(onsetCounts(alertsAt(1000, []), labels))).toMatchObject({ runPrecision: 0, runF1: 0 });
  });

  it("scores an always-on detector near zero onset recall where its event-wise recall is 1", () => {
    // 20 labelled runs of 5 steps, one every 50 steps from step 100; the detector alerts on every step.
    const n = 1100;
    const labels = labelsOn(n, Array.from({ length: 20 }, (_, k): [number, number] => [100 + 50 * k, 104 + 50 * k]));
    const alwaysOn = new Array<boolean>(n).fill(true);
    expect(prf(eventCounts(alwaysOn, labels)).recall).toBe(1);
    const m = onsetMetrics(onsetCounts(alwaysOn, labels, DEFAULT_ONSET));
    expect(m).toMatchObject({ onsets: 1, hits: 0, runs: 20, runsFound: 0 });
    expect(m.recall).toBe(0);
    expect(m.f1).toBe(0);
  });

  it("rejects a gap below 1, a negative tolerance and non-integers, naming the option", () => {
    const ok = { alerts: [true], labels: [1] };
    expect(() => onsetCounts(ok.alerts, ok.labels, { gap: 0, tolerance: 5 })).toThrow(/onset gap must be an integer of at least 1 \(steps\), got 0/);
    expect(() => onsetCounts(ok.alerts, ok.labels, { gap: 2.5, tolerance: 5 })).toThrow(/onset gap .* got 2\.5/);
    expect(() => onsetCounts(ok.alerts, ok.labels, { gap: 5, tolerance: -1 })).toThrow(/onset tolerance must be an integer of at least 0 \(steps\), got -1/);
    expect(() => onsetCounts(ok.alerts, ok.labels, { gap: 5, tolerance: Number.NaN })).toThrow(/onset tolerance .* got NaN/);
    expect(() => onsetCounts([true], [0, 1])).toThrow(/1 alerts for 2 labels/);
  });
});
