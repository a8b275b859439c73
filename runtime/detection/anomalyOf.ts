import type { FeatureSet } from "../features/featureSet";
import { minScaleForRole } from "../features/roleScale";
import type { Anomaly, MetricAttribution } from "../types";
import type { ContainerDetection } from "./serviceDetector";

/**
 * The anomaly a detection describes, for incidents and alerts: the metrics ordered by their share of the score,
 * each with the value seen, the value expected and how many standard deviations apart they are, in the metric's
 * unit. `values` are the row's raw values (feature-set order). The deviation is measured in the metric's recent
 * spread, floored at the smallest meaningful change of its role (one restart, one point of throttling) and at
 * 1 % of the expected value: a metric that never moved does not turn a small change into millions of spreads.
 */
export function anomalyOf(service: string, d: ContainerDetection, values: readonly number[], fs: FeatureSet): Anomaly {
  const n = fs.metrics.length;
  const weight = new Float64Array(n);
  if (d.attribution && d.attribution.length === n) for (let m = 0; m < n; m++) weight[m] = Math.max(0, d.attribution[m]);
  const deviation = fs.metrics.map((spec, m) => (values[m] - d.expected[m]) / Math.max(d.spread[m], minScaleForRole(spec.role), 0.01 * Math.abs(d.expected[m]), 1e-9));
  if (!(d.attribution && d.attribution.length === n)) for (let m = 0; m < n; m++) weight[m] = Math.abs(deviation[m]);
  let total = 0;
  for (let m = 0; m < n; m++) total += weight[m];
  const attribution: MetricAttribution[] = fs.metrics
    .map((spec, m) => ({
      metric: spec.name,
      role: spec.role,
      ...(spec.unit !== undefined ? { unit: spec.unit } : {}),
      share: total > 0 ? weight[m] / total : 1 / n,
      value: values[m],
      expected: d.expected[m],
      deviation: deviation[m],
    }))
    .sort((a, b) => b.share - a.share);
  return {
    service,
    container: d.container,
    containerName: d.containerName,
    timestamp: d.timestamp,
    score: d.score,
    threshold: d.threshold,
    grade: d.grade,
    confidence: d.confidence,
    likelihood: d.likelihood,
    alert: d.alert,
    ...(d.recurrence ? { recurrence: true } : {}),
    ...(d.pulse ? { pulse: d.pulse } : {}),
    attribution,
  };
}
