import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { anomalyOf } from "../../../runtime/detection/anomalyOf";
import { anomalySchema } from "../../../runtime/detection/incidentSchemas";
import type { ContainerDetection } from "../../../runtime/detection/serviceDetector";
import { DEFAULT_FEATURE_SET } from "../../../runtime/features/defaultFeatureSet";

const n = DEFAULT_FEATURE_SET.metrics.length;
const values = Array.from({ length: n }, (_, m) => 10 + m);

function detection(extra: Partial<ContainerDetection>): ContainerDetection {
  return {
    index: 100,
    score: 2,
    grade: 0.3,
    alert: true,
    seasonal: false,
    confidence: 1,
    likelihood: 0.65,
    threshold: 1.6,
    attribution: Array.from({ length: n }, (_, m) => (m === 0 ? 1.5 : 0.5 / (n - 1))),
    expected: values.map((x) => x - 1),
    spread: values.map(() => 0.5),
    deviations: values.map(() => 2),
    container: "task-1/app",
    containerName: "app",
    timestamp: 1_700_000_000_000,
    ...extra,
  };
}

describe("anomalyOf", () => {
  it("says how long the pulse lasted whose end raised the alert, and the stored anomaly keeps it", () => {
    const a = anomalyOf("svc", detection({ pulse: 8 }), values, DEFAULT_FEATURE_SET);
    expect(a.pulse).toBe(8);
    expect(v.parse(anomalySchema, JSON.parse(JSON.stringify(a))).pulse).toBe(8);
    expect(a.attribution[0].metric).toBe(DEFAULT_FEATURE_SET.metrics[0].name);
  });

  it("shows a pulse's metrics at the level they held against the value they came back to, and when it began", () => {
    // The detector raised the alert at the step the metrics came back: CPU (metric 0) held 30 (from 10) for 8 steps,
    // latency (metric 6) 17 against 16. The forest's attribution and expected values describe the return step.
    const levels = values.map((x, m) => (m === 0 ? 30 : m === 6 ? x + 1 : x));
    const d = detection({ pulse: 8, pulseLevels: levels, expected: values.map(() => 25) });
    const a = anomalyOf("svc", d, values, DEFAULT_FEATURE_SET);
    expect(a.attribution.map((t) => t.metric).slice(0, 2)).toEqual([DEFAULT_FEATURE_SET.metrics[0].name, DEFAULT_FEATURE_SET.metrics[6].name]);
    expect(a.attribution[0]).toMatchObject({ value: 30, expected: 10, deviation: 20 / 0.5 });
    expect(a.attribution[0].share).toBeCloseTo(40 / 42, 12);
    // Metrics that did not move have no share.
    expect(a.attribution.slice(2).every((t) => t.share === 0 && t.deviation === 0)).toBe(true);
    expect(a.pulseStart).toBe(d.timestamp - 8 * DEFAULT_FEATURE_SET.stepSeconds * 1000);
    expect(v.parse(anomalySchema, JSON.parse(JSON.stringify(a)))).toEqual(a);
    expect(() => v.parse(anomalySchema, { ...a, pulseStart: "yesterday" })).toThrow();
  });

  it("leaves the field out of an anomaly that is no pulse's end", () => {
    const a = anomalyOf("svc", detection({}), values, DEFAULT_FEATURE_SET);
    expect("pulse" in a).toBe(false);
    expect("pulseStart" in a).toBe(false);
    // Its metrics are the step's values against the forest's expected ones, shared as the forest attributed them.
    expect(a.attribution[0]).toMatchObject({ metric: DEFAULT_FEATURE_SET.metrics[0].name, value: values[0], expected: values[0] - 1 });
    expect(a.attribution[0].share).toBeCloseTo(0.75, 12);
    expect(() => v.parse(anomalySchema, { ...a, pulse: -1 })).toThrow();
  });
});
