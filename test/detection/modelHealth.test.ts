import { describe, expect, it } from "vitest";
import { anomalyRateAt, healthMetrics, modelHealth } from "../../runtime/detection/modelHealth";

describe("modelHealth", () => {
  it("computes anomaly rate, ratio to the expected rate and nearest-rank score quantiles per service", () => {
    const scores = Array.from({ length: 100 }, (_, i) => (i + 1) / 100); // 0.01 … 1.00
    const [checkout, search, idle] = modelHealth(
      [
        { service: "checkout", rowsScored: 100, anomalies: [{ score: 0.99 }, { score: 1 }], scores },
        { service: "search", rowsScored: 4, anomalies: [] },
        { service: "idle", rowsScored: 0, anomalies: [], scores: [] },
      ],
      0.01,
    );
    expect(checkout).toEqual({ service: "checkout", rowsScored: 100, anomalies: 2, anomalyRate: 0.02, rateRatio: 2, scoreQuantiles: { p50: 0.5, p90: 0.9, p99: 0.99, max: 1 } });
    expect(search).toEqual({ service: "search", rowsScored: 4, anomalies: 0, anomalyRate: 0, rateRatio: 0 });
    expect(idle).toEqual({ service: "idle", rowsScored: 0, anomalies: 0 });
  });

  it("turns health into metrics to publish, none for a service that scored nothing", () => {
    const health = modelHealth([
      { service: "a", rowsScored: 2, anomalies: [{ score: 3 }], scores: [3, 1] },
      { service: "b", rowsScored: 0, anomalies: [] },
    ]);
    expect(healthMetrics(health)).toEqual([
      { name: "AnomalyRate", service: "a", value: 0.5, unit: "None" },
      { name: "ScoreP50", service: "a", value: 1, unit: "None" },
      { name: "ScoreP90", service: "a", value: 3, unit: "None" },
      { name: "ScoreP99", service: "a", value: 3, unit: "None" },
      { name: "ScoreMax", service: "a", value: 3, unit: "None" },
    ]);
  });

  it("refuses inconsistent summaries and a bad expected rate", () => {
    expect(() => modelHealth([{ service: "a", rowsScored: 1, anomalies: [{ score: 1 }, { score: 2 }] }])).toThrow('service "a": 2 anomalies but only 1 rows scored');
    expect(() => modelHealth([{ service: "a", rowsScored: 2, anomalies: [], scores: [1] }])).toThrow('service "a": 1 scores for 2 rows scored');
    expect(() => modelHealth([{ service: "a", rowsScored: 1, anomalies: [], scores: [NaN] }])).toThrow('service "a": score NaN is not finite');
    expect(() => modelHealth([], 0)).toThrow("expectedRate must be a fraction in (0, 1], got 0");
  });
});

describe("anomalyRateAt", () => {
  it("is the fraction of scores strictly above the threshold", () => {
    expect(anomalyRateAt([1, 2, 3, 4], 3)).toBe(0.25);
    expect(anomalyRateAt([], 1)).toBe(0);
  });
});
