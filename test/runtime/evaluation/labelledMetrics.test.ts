import { describe, expect, it } from "vitest";
import { bestPointF1, eventCounts, pointCounts, prf } from "../../../runtime/evaluation/labelledMetrics";

describe("labelled metrics without point adjustment", () => {
  // Two labelled runs (rows 2–4 and 8–9); alerts on row 3 (inside run 1) and rows 12–13 (one false event).
  const labels = [0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0];
  const alerts = labels.map((_, i) => i === 3 || i === 12 || i === 13);

  it("counts points: one hit, two false alerts, four missed rows", () => {
    const c = pointCounts(alerts, labels);
    expect(c).toEqual({ tp: 1, fp: 2, fn: 4 });
    const m = prf(c);
    expect(m.precision).toBeCloseTo(1 / 3, 10);
    expect(m.recall).toBeCloseTo(1 / 5, 10);
    expect(m.f1).toBeCloseTo(0.25, 10);
  });

  it("counts events: one run found, one missed, one false event", () => {
    const c = eventCounts(alerts, labels);
    expect(c).toEqual({ tp: 1, fp: 1, fn: 1 });
    expect(prf(c).f1).toBeCloseTo(0.5, 10);
  });

  it("does not count an alert run touching a label as a false event", () => {
    const a = labels.map((_, i) => i >= 4 && i <= 6);
    expect(eventCounts(a, labels)).toEqual({ tp: 1, fp: 0, fn: 1 });
  });

  it("finds the best point-wise F1 over thresholds", () => {
    const scores = [0.1, 0.1, 0.9, 0.8, 0.7, 0.2, 0.1, 0.1, 0.6, 0.95, 0.1, 0.1, 0.3, 0.1, 0.1];
    const best = bestPointF1([{ scores, labels }]);
    expect(best.threshold).toBe(0.6);
    expect(best.f1).toBe(1);
  });

  it("rejects alerts and labels of different lengths", () => {
    expect(() => pointCounts([true], [0, 1])).toThrow(/1 alerts for 2 labels/);
  });
});
