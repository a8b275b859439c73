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

  it("leaves the field out of an anomaly that is no pulse's end", () => {
    const a = anomalyOf("svc", detection({}), values, DEFAULT_FEATURE_SET);
    expect("pulse" in a).toBe(false);
    expect(() => v.parse(anomalySchema, { ...a, pulse: -1 })).toThrow();
  });
});
